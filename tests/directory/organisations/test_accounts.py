"""A partner account attached to its organisation: the coordinator attaches the ARS observer to the ARS, her
account page names it, and she then reads in « Mes messages » what was sent to the organisation."""

import pytest

from crisis_app.core.audit import AuditEvent
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from tests import factories
from tests.conftest import csrf_token, form_post

NOT_MANAGERS = [r for r in Role if r is not Role.COORDINATOR]


def test_the_coordinator_attaches_the_observer_who_then_sees_it_on_her_account(client, personas, login):
    org = factories.organisation(name="ARS Occitanie", kind="ars")
    observer = personas[Role.ARS_OBSERVER]
    login(personas[Role.COORDINATOR])
    url = f"/annuaire/organisations/{org.id}"
    page = client.get(url)
    assert "Aucun compte rattaché." in page.text and observer.user.full_name in page.text
    assert page.text.count("Comptes rattachés") == 1 and "<title>ARS Occitanie" in page.text
    answer = form_post(client, f"{url}/comptes", {"user_id": observer.user.id, "action": "attacher"},
                       token_from=url)
    assert answer.status_code == 302
    assert observer.user.organisation_id == org.id
    assert db.session.query(AuditEvent).filter_by(action="user.attach_organisation",
                                                  object_id=str(observer.user.id)).count() == 1
    assert "ARS Occitanie (ARS)" in client.get(f"/admin/utilisateurs/{observer.user.id}").text
    form_post(client, f"{url}/comptes", {"user_id": observer.user.id, "action": "detacher"}, token_from=url)
    assert observer.user.organisation_id is None


def test_a_professional_account_is_not_attached_and_nothing_changes(client, personas, login):
    org = factories.organisation(name="ARS Occitanie", kind="ars")
    professional = personas[Role.PROFESSIONAL].user
    login(personas[Role.COORDINATOR])
    url = f"/annuaire/organisations/{org.id}"
    answer = form_post(client, f"{url}/comptes", {"user_id": professional.id, "action": "attacher"},
                       token_from=url)
    assert answer.status_code == 400
    assert "Seul un compte d&#39;observateur peut être rattaché" in answer.text
    assert professional.organisation_id is None


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_the_coordinator_attaches_accounts(client, personas, login, role):
    org = factories.organisation(name="ARS Occitanie", kind="ars")
    observer = personas[Role.ARS_OBSERVER].user
    login(personas[role])
    token = csrf_token(client, "/mon-compte")
    answer = client.post(f"/annuaire/organisations/{org.id}/comptes",
                         data={"csrf_token": token, "user_id": observer.id, "action": "attacher"})
    assert answer.status_code == 403
    assert observer.organisation_id is None
