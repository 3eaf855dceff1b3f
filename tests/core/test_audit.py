"""The audit trail: every change writes who, what, which object and when, in the same transaction."""

from datetime import timedelta

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.roles import Role


def _events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_creating_an_account_writes_one_audit_row_naming_actor_and_object(personas):
    actor = personas[Role.COORDINATOR].user
    user = auth_services.create_user(actor=actor, email="Nouveau@Example.org", full_name="Nouveau",
                                     role="professional", password="0123456789")
    [event] = [e for e in _events("user.create") if e.object_id == str(user.id)]
    assert event.actor_id == actor.id and event.actor_label == actor.email
    assert event.object_type == "user"
    assert event.changes["email"] == [None, "nouveau@example.org"]
    assert utcnow() - event.at < timedelta(minutes=1)


def test_a_refused_change_writes_nothing(personas):
    actor = personas[Role.COORDINATOR].user
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    try:
        auth_services.create_user(actor=actor, email=actor.email, full_name="x", role="professional",
                                  password="0123456789")
    except ServiceError as exc:
        assert exc.status == 409
    else:
        raise AssertionError("duplicate e-mail accepted")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == actor.email)) == 1


def test_role_change_records_old_and_new_value(personas):
    actor = personas[Role.COORDINATOR].user
    target = personas[Role.PROFESSIONAL].user
    auth_services.update_user(actor=actor, user=target, role=Role.CRISIS_CELL)
    event = _events("user.update")[-1]
    assert event.changes == {"role": ["professional", "crisis_cell"]}


def test_audit_search_filters_by_actor_action_and_date(personas):
    actor = personas[Role.COORDINATOR].user
    auth_services.update_user(actor=actor, user=personas[Role.PROFESSIONAL].user, full_name="Paul Renommé")
    events, total = audit.search(audit.AuditFilter(actor="coordinator.", action="user.update"))
    assert total == 1 and events[0].summary.startswith("Compte modifié")
    _, none_tomorrow = audit.search(audit.AuditFilter(since=utcnow() + timedelta(days=1)))
    assert none_tomorrow == 0


def test_coordinator_reads_and_filters_the_trail_in_the_browser(client, personas, login):
    login(personas[Role.COORDINATOR])
    page = client.get("/admin/audit?action=auth.login")
    assert page.status_code == 200
    assert "Journal d'audit" in page.text and "Connexion depuis" in page.text
    assert "Compte créé" not in page.text
    bad = client.get("/admin/audit?depuis=hier")
    assert "Date invalide" in bad.text


def test_coordinator_reads_the_trail_through_the_api(client, personas):
    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    response = client.get("/api/v1/audit-events?action=user.create&limit=2",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] >= 6 and len(body["items"]) == 2
    assert {item["action"] for item in body["items"]} == {"user.create"}
