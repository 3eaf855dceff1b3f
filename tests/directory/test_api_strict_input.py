"""Directory API refuses what it used to guess: unknown profession codes, 0/1 for booleans, empty PATCHes."""

from __future__ import annotations

import random

import pytest

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.demo import fake
from crisis_app.core.roles import Role
from tests import factories


@pytest.fixture
def headers(personas) -> dict:
    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    return {"Authorization": f"Bearer {token}"}


def _new(**overrides) -> dict:
    p = fake.person(random.Random(), 1)
    return {"rpps": p.rpps, "last_name": p.last_name, "first_name": p.first_name, "profession_code": "60",
            "mobile_phone": p.mobile, "email": p.email, **overrides}


def _refused(response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.get_json()["error"]
    assert body["code"] and body["message"]
    assert field in str(body["fields"]), body


def test_a_profession_code_outside_the_nomenclature_is_refused(client, headers):
    _refused(client.post("/api/v1/professionals", json=_new(profession_code="99", profession="Sorcier"),
                         headers=headers), "profession_code")
    assert client.post("/api/v1/professionals", json=_new(profession_code="94"), headers=headers).status_code == 201


@pytest.mark.parametrize("value", [0, 1, "true", "1", "oui", None])
def test_a_consent_decision_is_a_json_boolean(client, headers, value):
    p = factories.reachable_professional()
    response = client.post(f"/api/v1/professionals/{p.id}/consents", headers=headers,
                           json={"channel": "sms", "granted": value, "method": "par téléphone"})
    _refused(response, "granted")
    db.session.refresh(p)
    assert p.reachable_on("sms")


def test_a_consent_given_as_false_is_recorded(client, headers):
    p = factories.reachable_professional()
    response = client.post(f"/api/v1/professionals/{p.id}/consents", headers=headers,
                           json={"channel": "sms", "granted": False, "method": "par téléphone"})
    assert response.status_code == 200
    db.session.refresh(p)
    assert not p.reachable_on("sms")


def test_audience_booleans_and_member_ids_take_their_json_types_only(client, headers):
    p = factories.professional()
    base = {"name": "Astreinte", "kind": "list", "professional_ids": [p.id]}
    _refused(client.post("/api/v1/audiences", json={**base, "for_exercises": 0}, headers=headers), "for_exercises")
    _refused(client.post("/api/v1/audiences", json={**base, "professional_ids": [True]}, headers=headers),
             "professional_ids")
    _refused(client.post("/api/v1/audiences", json={**base, "professional_ids": [str(p.id)]}, headers=headers),
             "professional_ids")
    assert client.post("/api/v1/audiences", json={**base, "for_exercises": True}, headers=headers).status_code == 201
    saved_filter = {"name": "À confirmer", "kind": "filter"}
    _refused(client.post("/api/v1/audiences", json={**saved_filter, "criteria": {"to_confirm": 1}}, headers=headers),
             "to_confirm")
    assert client.post("/api/v1/audiences", json={**saved_filter, "criteria": {"to_confirm": True}},
                       headers=headers).status_code == 201


def test_organisation_booleans_take_their_json_types_only(client, headers):
    org = factories.organisation()
    body = {"name": "CPAM 31", "kind": "cpam", "contacts": []}
    _refused(client.post("/api/v1/organisations", json={**body, "receives_evaluations": 1}, headers=headers),
             "receives_evaluations")
    _refused(client.patch(f"/api/v1/organisations/{org.id}", json={"active": 0}, headers=headers), "active")
    db.session.refresh(org)
    assert org.active


@pytest.mark.parametrize("body", [None, {}])
def test_a_patch_without_any_field_is_refused(client, headers, body):
    p = factories.professional()
    org = factories.organisation()
    kwargs = {"headers": headers} if body is None else {"headers": headers, "json": body}
    for url in (f"/api/v1/professionals/{p.id}", f"/api/v1/organisations/{org.id}"):
        response = client.patch(url, **kwargs)
        assert response.status_code in (400, 422), (url, response.status_code, response.text)
        assert "error" in response.get_json()


def test_the_openapi_document_states_the_rules_the_types_cannot(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "RPPS" in schemas["ProfessionalInput"]["description"]
    assert schemas["ProfessionalInput"]["anyOf"] == [{"required": ["rpps"]}, {"required": ["adeli"]}]
    assert "au moins une personne" in schemas["AudienceInput"]["description"]
    assert schemas["ProfessionalPatch"]["minProperties"] == 1
    assert schemas["OrganisationUpdate"]["minProperties"] == 1
    assert "e-mail ou un téléphone" in schemas["OrganisationContact"]["description"]
