"""Two Celery beats firing together send an EIGS reminder step once (PostgreSQL: real concurrent transactions).

Each thread has its own app context, session and connection, on committed data: the rolled-back ``db_session``
fixture would put every thread on one connection and prove nothing.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.actionplan.models import ReminderStep
from crisis_app.core.db import db, utcnow
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.register import declaring, reminders, services
from quality.register.models import AdverseEvent
from tests import factories
from tests.quality.conftest import declaration

THREADS = 8


def _committed_eigs(app) -> dict[str, int]:
    with app.app_context():
        referent = factories.user(role=Role.QUALITY_REFERENT)
        event = declaring.declare(actor=None, anonymous=True, data=declaration(severity=5)).event
        services.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
        services.record_eigs(actor=referent, event=event, part1_sent_on=utcnow().date() - timedelta(days=60))
        return {"referent": referent.id, "event": event.id}


def _cleanup(app, ids: dict[str, int]) -> None:
    with app.app_context():
        db.session.execute(sa.delete(ReminderStep).where(ReminderStep.kind == reminders.KIND,
                                                         ReminderStep.subject_id == ids["event"]))
        db.session.execute(sa.delete(Message).where(Message.about_type == "adverse_event",
                                                    Message.about_id == ids["event"]))
        db.session.execute(sa.delete(AuditEvent).where(sa.or_(
            sa.and_(AuditEvent.object_type == "adverse_event", AuditEvent.object_id == str(ids["event"])),
            sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(ids["referent"])))))
        db.session.execute(sa.delete(AdverseEvent).where(AdverseEvent.id == ids["event"]))
        db.session.execute(sa.delete(User).where(User.id == ids["referent"]))
        db.session.commit()


@pytest.mark.postgres
def test_beats_racing_on_one_reminder_step_send_it_once(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    ids = _committed_eigs(app)
    start = threading.Barrier(THREADS, timeout=30)
    sent: list[bool] = []
    lock = threading.Lock()

    def beat() -> None:
        with app.app_context():
            event = db.session.get(AdverseEvent, ids["event"])
            due = event.eigs_part2_due_on
            start.wait()
            outcome = reminders.remind_event(event, today=due - timedelta(days=30))
            with lock:
                sent.append(outcome)

    try:
        threads = [threading.Thread(target=beat) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with app.app_context():
            steps = reminders.steps_sent(ids["event"])
            messages = db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(
                Message.topic == "quality.eigs_reminder", Message.about_id == ids["event"]))
            assert sent.count(True) == 1 and len(sent) == THREADS
            assert list(steps) == ["j-30"] and messages == 1
    finally:
        _cleanup(app, ids)
