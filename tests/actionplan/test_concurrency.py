"""Beats racing (PostgreSQL, real concurrent transactions): an action's reminder step is sent once, whatever the
action's source. Each thread has its own app context and connection, on committed data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.actionplan import reminders, services
from crisis_app.actionplan.models import CorrectiveAction, ReminderStep
from crisis_app.actionplan.vocab import SourceKind
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from tests import factories
from tests.concurrency import THREADS, race


@pytest.mark.postgres
def test_beats_racing_on_one_action_step_send_it_once(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    with app.app_context():
        referent = factories.user(role=Role.QUALITY_REFERENT)
        with atomic():
            action = services.create(
                actor=referent, title="Relire le protocole de sortie", action_type="corrective",
                source=services.Source(SourceKind.RETEX, 1, "RETEX — Canicule"),
                owner=services.Owner(user_id=referent.id), due_on=utcnow().date() + timedelta(days=5))
        ids = {"user": referent.id, "action": action.id, "due": action.due_on}
    try:
        def work():
            row = db.session.get(CorrectiveAction, ids["action"])
            return reminders.remind(row, today=ids["due"] - timedelta(days=5), every=7)

        results = race(app, work)
        with app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(
                Message.topic == "quality.action_reminder", Message.about_id == ids["action"]))
            assert results.count(True) == 1 and len(results) == THREADS and count == 1
            assert reminders.steps_sent(reminders.ACTION, ids["action"]) == ["j-10"]
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Message).where(Message.about_type == "quality_action",
                                                        Message.about_id == ids["action"]))
            db.session.execute(sa.delete(AuditEvent).where(sa.or_(
                sa.and_(AuditEvent.object_type == "quality_action", AuditEvent.object_id == str(ids["action"])),
                sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(ids["user"])))))
            db.session.execute(sa.delete(ReminderStep).where(ReminderStep.kind == reminders.ACTION,
                                                             ReminderStep.subject_id == ids["action"]))
            db.session.execute(sa.delete(CorrectiveAction).where(CorrectiveAction.id == ids["action"]))
            db.session.execute(sa.delete(User).where(User.id == ids["user"]))
            db.session.commit()
