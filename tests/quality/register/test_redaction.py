"""The référent redacts a name stored before the screen caught it: the text is overwritten, the audit row says a
redaction happened and not what; only the référent may."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from quality.register.models import AdverseEvent
from tests.conftest import csrf_token
from tests.quality.conftest import declare

PLANTED = "Mme Josette Martin a reçu une double dose au domicile."


def _planted(personas) -> AdverseEvent:
    event = declare(personas[Role.PROFESSIONAL].user).event
    # a text stored before the screen learnt names
    db.session.execute(sa.text("UPDATE adverse_event SET description = :d WHERE id = :i"),
                       {"d": PLANTED, "i": event.id})
    db.session.commit()
    db.session.refresh(event)
    return event


def test_the_referent_sees_the_name_and_redacts_it_in_one_click(login, personas):
    event = _planted(personas)
    client = login(personas[Role.QUALITY_REFERENT])
    page = client.get(f"/qualite/evenements/{event.id}")
    assert 'data-testid="screen-finding"' in page.text and "<mark>Mme Josette Martin</mark>" in page.text
    response = client.post(f"/qualite/evenements/{event.id}/caviarder", data={
        "csrf_token": csrf_token(client, f"/qualite/evenements/{event.id}"), "field": "description",
        "passage": "Mme Josette Martin", "replacement": "patient"}, follow_redirects=True)
    assert "Passage caviardé" in response.text and 'data-testid="screen-clean"' in response.text
    db.session.expire_all()
    stored = db.session.get(AdverseEvent, event.id)
    assert stored.description == "[patient] a reçu une double dose au domicile."
    assert "martin" not in stored.search_text.lower()
    row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "quality.event.redact"))
    assert "caviardage" in row.summary and "Martin" not in row.summary and "Martin" not in str(row.changes)


def test_a_passage_not_in_the_text_changes_nothing(login, personas):
    event = _planted(personas)
    client = login(personas[Role.QUALITY_REFERENT])
    response = client.post(f"/qualite/evenements/{event.id}/caviarder", data={
        "csrf_token": csrf_token(client, f"/qualite/evenements/{event.id}"), "field": "description",
        "passage": "M. Durand", "replacement": "patient"}, follow_redirects=True)
    assert "pas dans le texte" in response.text
    db.session.expire_all()
    assert db.session.get(AdverseEvent, event.id).description == PLANTED
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "quality.event.redact")) is None


def test_a_coordinator_may_not_redact(login, personas):
    event = _planted(personas)
    client = login(personas[Role.COORDINATOR])
    response = client.post(f"/qualite/evenements/{event.id}/caviarder", data={
        "csrf_token": csrf_token(client, "/"), "field": "description", "passage": "Mme Josette Martin",
        "replacement": "patient"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(AdverseEvent, event.id).description == PLANTED
