"""Partner organisations: pages, API, role checks; they never appear in an audience."""

import html

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.organisations import services as organisations
from crisis_app.directory.organisations.models import Organisation
from tests import factories
from tests.conftest import csrf_token, form_post

NOT_MANAGERS = [r for r in Role if r is not Role.COORDINATOR]
NOT_READERS = [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER]


@pytest.fixture
def bearer(personas):
    def _headers(role: Role) -> dict:
        return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=personas[role].user)}"}
    return _headers


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))


def test_create_update_and_deactivate_are_audited(db_session, personas):
    coordinator = personas[Role.COORDINATOR].user
    org = factories.organisation(actor=coordinator, name="CPAM de la Haute-Garonne", kind="cpam")
    organisations.update_organisation(actor=coordinator, organisation=org, data={
        "contacts": [{"name": "Marc Lefèvre", "function": "Conseiller", "email": "marc@example.org",
                      "phone": "05 61 00 00 00"}]})
    assert [(c.name, c.phone) for c in org.contacts] == [("Marc Lefèvre", "+33561000000")]
    organisations.set_organisation_active(actor=coordinator, organisation=org, active=False)
    assert org not in organisations.list_organisations()
    assert org in organisations.list_organisations(include_inactive=True)


def test_a_contact_needs_a_way_to_be_reached_and_a_name_is_unique(db_session):
    factories.organisation(name="ARS Occitanie")
    with pytest.raises(ServiceError) as caught:
        factories.organisation(name="ars occitanie")
    assert caught.value.status == 409
    with pytest.raises(ServiceError) as caught:
        factories.organisation(contacts=[{"name": "Sans moyen"}])
    assert "contacts.0.email" in caught.value.fields


def test_organisations_are_never_members_of_an_audience(db_session, personas):
    org = factories.organisation()
    factories.reachable_professional()
    audience = audiences.save_audience(actor=personas[Role.COORDINATOR].user, data={"name": "Tous", "kind": "filter"})
    contact_emails = {c.email for c in org.contacts}
    assert not contact_emails & {p.email for p in audiences.resolve(audience)}
    assert organisations.evaluation_recipients()[0].email in contact_emails


def test_coordinator_creates_an_organisation_from_the_form(client, personas, login):
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/annuaire/organisations/nouvelle", {
        "name": "CHU de Toulouse", "kind": "hopital", "receives_evaluations": "y",
        "contacts-0-name": "Dr Benali", "contacts-0-function": "Gestion de crise",
        "contacts-0-email": "benali@example.org", "contacts-1-name": "", "contacts-2-name": ""})
    assert response.status_code == 302
    page = html.unescape(client.get(response.location).text)
    assert "CHU de Toulouse" in page and "benali@example.org" in page


def test_a_bad_contact_email_is_named_and_nothing_saved(client, personas, login):
    login(personas[Role.COORDINATOR])
    before = _count()
    response = form_post(client, "/annuaire/organisations/nouvelle", {
        "name": "MSA", "kind": "msa", "contacts-0-name": "", "contacts-1-name": "Sandrine",
        "contacts-1-email": "sandrine@"})
    assert response.status_code == 400
    assert "E-mail : Adresse e-mail invalide." in html.unescape(response.text)
    assert _count() == before


def test_coordinator_edits_and_deactivates_from_the_pages(client, personas, login):
    org = factories.organisation(name="CPTS voisine")
    login(personas[Role.COORDINATOR])
    url = f"/annuaire/organisations/{org.id}"
    edit = html.unescape(client.get(f"{url}?modifier=1").text)
    assert org.contacts[0].email in edit
    response = form_post(client, url, {"name": "CPTS du Sud", "kind": "cpts", "contacts-0-name": "Yann",
                                       "contacts-0-email": "yann@example.org"}, token_from=f"{url}?modifier=1")
    assert response.status_code == 302 and org.name == "CPTS du Sud" and org.contacts[0].name == "Yann"
    form_post(client, f"{url}/activation", {"active": "0"}, token_from=url)
    assert org.active is False


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_the_coordinator_changes_organisations(client, personas, login, role):
    org = factories.organisation(name="Préfecture")
    login(personas[role])
    token = csrf_token(client, "/mon-compte")
    assert client.get("/annuaire/organisations/nouvelle").status_code == 403
    assert client.post("/annuaire/organisations/nouvelle", data={"csrf_token": token, "name": "X",
                                                                  "kind": "ars"}).status_code == 403
    assert client.post(f"/annuaire/organisations/{org.id}", data={"csrf_token": token, "name": "X",
                                                                   "kind": "ars"}).status_code == 403
    assert client.post(f"/annuaire/organisations/{org.id}/activation",
                       data={"csrf_token": token, "active": "0"}).status_code == 403
    assert org.name == "Préfecture" and org.active


@pytest.mark.parametrize("role", NOT_READERS)
def test_roles_outside_the_crisis_team_cannot_read_organisations(client, personas, login, bearer, role):
    org = factories.organisation()
    login(personas[role])
    assert client.get(f"/annuaire/organisations/{org.id}").status_code == 403
    assert client.get("/api/v1/organisations", headers=bearer(role)).status_code == 403
    assert client.get(f"/api/v1/organisations/{org.id}", headers=bearer(role)).status_code == 403


def test_api_creates_lists_and_patches_organisations(client, bearer):
    headers = bearer(Role.COORDINATOR)
    created = client.post("/api/v1/organisations", headers=headers, json={
        "name": "ARS Occitanie", "kind": "ars",
        "contacts": [{"name": "Agathe Lambert", "email": "agathe@example.org"}]})
    assert created.status_code == 201 and created.json["contacts"][0]["email"] == "agathe@example.org"
    org_id = created.json["id"]
    assert client.post("/api/v1/organisations", headers=headers, json={"name": "ARS Occitanie", "kind": "ars"}) \
        .status_code == 409
    bad = client.post("/api/v1/organisations", headers=headers, json={"name": "X", "kind": "club"})
    assert bad.status_code == 422 and "kind" in bad.json["error"]["fields"]
    patched = client.patch(f"/api/v1/organisations/{org_id}", headers=headers, json={"active": False})
    assert patched.status_code == 200 and patched.json["active"] is False
    reader = bearer(Role.CRISIS_CELL)
    assert client.get("/api/v1/organisations", headers=reader).json["total"] == 0
    assert client.get("/api/v1/organisations?include_inactive=true", headers=reader).json["total"] == 1


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_api_refuses_organisation_changes_to_other_roles(client, bearer, role):
    org = factories.organisation(name="MSA Midi-Pyrénées Nord")
    headers = bearer(role)
    before = _count()
    assert client.post("/api/v1/organisations", headers=headers, json={"name": "X", "kind": "ars"}) \
        .status_code == 403
    assert client.patch(f"/api/v1/organisations/{org.id}", headers=headers, json={"name": "X"}).status_code == 403
    assert _count() == before and org.name == "MSA Midi-Pyrénées Nord"
