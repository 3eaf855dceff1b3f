"""The twice-yearly indicator review: planned with an invitation and its .ics through the outbox, decisions per
indicator and action (screened), due on the coordinator's and référents' homes six months after the last one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from crisis_app.contract import reviews
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from tests.conftest import csrf_token, form_post


def test_due_when_none_was_held_or_six_months_after_the_last():
    assert reviews.review_due(last_held=None, today=date(2026, 1, 1))
    assert not reviews.review_due(last_held=date(2026, 1, 15), today=date(2026, 7, 14))
    assert reviews.review_due(last_held=date(2026, 1, 15), today=date(2026, 7, 15))


def test_planning_sends_the_invitation_with_its_ics_to_the_coordinator_and_the_referents(personas):
    starts = utcnow() + timedelta(days=10)
    review = reviews.plan_review(actor=personas[Role.COORDINATOR].user, starts_at=starts, place="Maison de santé")
    message = db.session.scalar(sa.select(Message).where(Message.topic == reviews.TOPIC))
    assert message.recipient_count == 3  # coordinator, quality référent, crisis référent
    [ics] = message.attachments
    assert ics.media_type == "text/calendar" and ics.filename.endswith(".ics")
    text = ics.content.decode()
    assert f"UID:{review.uid}" in text and "METHOD:REQUEST" in text and "Maison de santé" in text
    assert "ATTENDEE" in text and personas[Role.QUALITY_REFERENT].user.email in text
    assert personas[Role.PROFESSIONAL].user.email not in text


def test_a_review_in_the_past_is_refused_and_nothing_is_sent(personas):
    with pytest.raises(ServiceError) as refused:
        reviews.plan_review(actor=personas[Role.COORDINATOR].user, starts_at=datetime(2020, 1, 1, tzinfo=UTC),
                            place="")
    assert "starts_at" in refused.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_decisions_per_indicator_and_per_action_and_a_patient_name_is_refused(personas):
    referent = personas[Role.QUALITY_REFERENT].user
    review = reviews.plan_review(actor=referent, starts_at=utcnow() + timedelta(days=3), place="Visio")
    reviews.record_decision(actor=referent, review=review, indicator="mission.actions_done", action_id=None,
                            text="Programmer un second exercice au printemps.")
    with pytest.raises(ServiceError):
        reviews.record_decision(actor=referent, review=review, indicator="mission.actions_done", action_id=None,
                                text="Rappeler Mme Josette Martin, née le 12/03/1950, pour son traitement.")
    with pytest.raises(ServiceError):
        reviews.record_decision(actor=referent, review=review, indicator="nothing.here", action_id=None, text="x")
    assert [d.text for d in reviews.decisions_of(review)] == ["Programmer un second exercice au printemps."]


def test_the_review_shows_as_due_on_the_referents_home_until_one_is_held(login, personas):
    client = login(personas[Role.CRISIS_REFERENT])
    assert "Revue des indicateurs" in client.get("/").text
    response = form_post(client, "/contrat/revues", {
        "starts_at": (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"), "place": "Salle du conseil"})
    assert response.status_code == 303
    review = reviews.next_planned()
    assert "Planifiée le" in client.get("/").text
    form_post(client, f"/contrat/revues/{review.id}/decision",
              {"about": "indicator:quality.participants",
               "text": "Ouvrir les CREX aux kinésithérapeutes."}, token_from=f"/contrat/revues/{review.id}")
    form_post(client, f"/contrat/revues/{review.id}/tenue", {"held_on": date.today().isoformat()},
              token_from=f"/contrat/revues/{review.id}")
    page = client.get(f"/contrat/revues/{review.id}").text
    assert "Ouvrir les CREX aux kinésithérapeutes." in page and "Tenue" in page
    assert "Revue des indicateurs" not in client.get("/").text


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.CRISIS_CELL, Role.ARS_OBSERVER])
def test_other_roles_neither_see_nor_plan_the_review(login, personas, role):
    client = login(personas[role])
    assert "Revue des indicateurs" not in client.get("/").text
    response = client.post("/contrat/revues", data={
        "starts_at": (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"), "place": "Salle",
        "csrf_token": csrf_token(client, "/mon-compte")})
    assert response.status_code == 403
    assert reviews.next_planned() is None
