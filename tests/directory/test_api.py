"""Directory API: professionals, consents and audiences; role checks; 409 and 422 with French field messages."""

import random

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.demo import fake
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional
from tests import factories

NOT_READERS = [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER]
NOT_MANAGERS = [r for r in Role if r is not Role.COORDINATOR]
NOT_AUDIENCE_MANAGERS = [r for r in Role if r not in (Role.COORDINATOR, Role.CRISIS_REFERENT)]


@pytest.fixture
def bearer(personas):
    def _headers(role: Role) -> dict:
        token = auth_services.issue_token(actor=None, user=personas[role].user)
        return {"Authorization": f"Bearer {token}"}
    return _headers


def _new(**overrides) -> dict:
    p = fake.person(random.Random(), 1)
    return {"rpps": p.rpps, "last_name": p.last_name, "first_name": p.first_name, "profession_code": "60",
            "mobile_phone": p.mobile, "email": p.email, "commune_code": "31555", **overrides}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_coordinator_creates_reads_and_patches_a_professional(client, bearer):
    headers = bearer(Role.COORDINATOR)
    created = client.post("/api/v1/professionals", json=_new(tags=["Vaccination"]), headers=headers)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["profession"] == "Infirmier" and body["tags"] == ["vaccination"] and body["freshness"] == "ok"
    assert body["national_id"] == "8" + body["rpps"]
    patched = client.patch(f"/api/v1/professionals/{body['id']}", json={"specialty": "Plaies"}, headers=headers)
    assert patched.status_code == 200 and patched.json["specialty"] == "Plaies"
    assert patched.json["last_name"] == body["last_name"]
    assert client.get(f"/api/v1/professionals/{body['id']}", headers=bearer(Role.CRISIS_CELL)).json["specialty"] \
        == "Plaies"


def test_duplicate_rpps_is_409_and_nothing_saved(client, bearer):
    existing = factories.professional()
    before = _count(Professional)
    response = client.post("/api/v1/professionals", json=_new(rpps=existing.rpps), headers=bearer(Role.COORDINATOR))
    assert response.status_code == 409
    assert response.json["error"]["fields"]["rpps"] == ["Ce numéro RPPS figure déjà dans l'annuaire."]
    assert _count(Professional) == before


def test_invalid_input_is_422_with_french_messages_per_field(client, bearer):
    before = _count(Professional)
    response = client.post("/api/v1/professionals", json=_new(rpps="12345", mobile_phone="0123", email="x@"),
                           headers=bearer(Role.COORDINATOR))
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "11 chiffres" in fields["rpps"][0]
    assert fields["mobile_phone"] == ["Numéro de téléphone invalide."]
    assert fields["email"] == ["Adresse e-mail invalide."]
    assert _count(Professional) == before


def test_patch_removing_the_only_identifier_is_422(client, bearer):
    p = factories.professional()
    response = client.patch(f"/api/v1/professionals/{p.id}", json={"rpps": ""}, headers=bearer(Role.COORDINATOR))
    assert response.status_code == 422 and "rpps" in response.json["error"]["fields"]


def test_list_filters_paginates_and_reports_the_reach(client, bearer):
    a = factories.reachable_professional(profession_code="92", commune_code="31395")
    factories.professional(profession_code="92", commune_code="31395")
    factories.reachable_professional(profession_code="92", commune_code="31069")
    response = client.get("/api/v1/professionals?profession_code=92&commune_code=31395&limit=1",
                          headers=bearer(Role.CRISIS_REFERENT))
    assert response.status_code == 200
    assert response.json["total"] == 2 and len(response.json["items"]) == 1
    assert response.json["reach"] == {"people": 2, "phones": 1, "emails": 1}
    by_consent = client.get("/api/v1/professionals?profession_code=92&consent=sms",
                            headers=bearer(Role.CRISIS_REFERENT)).json
    assert a.id in [i["id"] for i in by_consent["items"]] and by_consent["total"] == 2


def test_deactivate_and_consent_endpoints(client, bearer):
    p = factories.reachable_professional()
    headers = bearer(Role.COORDINATOR)
    withdrawn = client.post(f"/api/v1/professionals/{p.id}/consents", headers=headers,
                            json={"channel": "sms", "granted": False, "method": "SMS STOP"})
    assert withdrawn.status_code == 200
    assert withdrawn.json["consents"]["sms"]["granted"] is False
    assert withdrawn.json["consents"]["sms"]["method"] == "SMS STOP"
    bad = client.post(f"/api/v1/professionals/{p.id}/consents", headers=headers,
                      json={"channel": "fax", "granted": True, "method": "x"})
    assert bad.status_code == 422 and {"channel", "method"} <= set(bad.json["error"]["fields"])
    assert client.post(f"/api/v1/professionals/{p.id}/deactivate", headers=headers).json["active"] is False


def test_unknown_professional_is_404(client, bearer):
    assert client.get("/api/v1/professionals/987654", headers=bearer(Role.COORDINATOR)).status_code == 404


@pytest.mark.parametrize("role", NOT_READERS)
def test_roles_outside_the_crisis_team_cannot_read_the_directory(client, bearer, role):
    p = factories.professional()
    headers = bearer(role)
    assert client.get("/api/v1/professionals", headers=headers).status_code == 403
    assert client.get(f"/api/v1/professionals/{p.id}", headers=headers).status_code == 403
    assert client.get("/api/v1/audiences", headers=headers).status_code == 403


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_the_coordinator_writes_professionals(client, bearer, role):
    p = factories.reachable_professional()
    headers = bearer(role)
    before = _count(Professional)
    assert client.post("/api/v1/professionals", json=_new(), headers=headers).status_code == 403
    assert client.patch(f"/api/v1/professionals/{p.id}", json={"last_name": "X"}, headers=headers).status_code == 403
    assert client.post(f"/api/v1/professionals/{p.id}/deactivate", headers=headers).status_code == 403
    assert client.post(f"/api/v1/professionals/{p.id}/consents", headers=headers,
                       json={"channel": "sms", "granted": False, "method": "xx"}).status_code == 403
    db.session.refresh(p)
    assert _count(Professional) == before and p.active and p.last_name != "X" and p.reachable_on("sms")


def test_audience_lifecycle_through_the_api(client, bearer):
    a, b = factories.reachable_professional(), factories.reachable_professional()
    headers = bearer(Role.CRISIS_REFERENT)
    created = client.post("/api/v1/audiences", headers=headers, json={
        "name": "Binôme", "kind": "list", "professional_ids": [a.id, b.id], "for_exercises": True})
    assert created.status_code == 201
    body = created.json
    assert body["reach"] == {"people": 2, "phones": 2, "emails": 2} and body["for_exercises"] is True
    assert client.post("/api/v1/audiences", headers=headers, json={"name": "Binôme", "kind": "filter"}) \
        .status_code == 409
    replaced = client.put(f"/api/v1/audiences/{body['id']}", headers=headers, json={
        "name": "Binôme", "kind": "list", "professional_ids": [a.id]})
    assert replaced.json["professional_ids"] == [a.id] and replaced.json["reach"]["people"] == 1
    assert client.get(f"/api/v1/audiences/{body['id']}", headers=bearer(Role.CRISIS_CELL)).status_code == 200
    listing = client.get("/api/v1/audiences", headers=headers).json
    assert [i["name"] for i in listing["items"]] == ["Binôme"]
    assert client.delete(f"/api/v1/audiences/{body['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/audiences/{body['id']}", headers=headers).status_code == 404


def test_audience_with_bad_criteria_is_422_and_not_saved(client, bearer):
    response = client.post("/api/v1/audiences", headers=bearer(Role.COORDINATOR), json={
        "name": "Cassée", "kind": "filter", "criteria": {"consent": "pigeon"}})
    assert response.status_code == 422 and "criteria" in response.json["error"]["fields"]
    assert _count(Audience) == 0


@pytest.mark.parametrize("role", NOT_AUDIENCE_MANAGERS)
def test_other_roles_cannot_write_audiences(client, bearer, personas, role):
    audience = audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={"name": "Tous", "kind": "filter"})
    headers = bearer(role)
    assert client.post("/api/v1/audiences", headers=headers, json={"name": "X", "kind": "filter"}).status_code == 403
    assert client.put(f"/api/v1/audiences/{audience.id}", headers=headers,
                      json={"name": "X", "kind": "filter"}).status_code == 403
    assert client.delete(f"/api/v1/audiences/{audience.id}", headers=headers).status_code == 403
    assert [a.name for a in audiences.list_audiences()] == ["Tous"]
