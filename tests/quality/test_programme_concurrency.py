"""Beats racing (PostgreSQL, real concurrent transactions): a session's agenda is sent once (the action
reminder's race is in tests/actionplan/test_concurrency.py). Each thread has its own app context and connection,
on committed data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.sessions import agenda as session_agenda
from quality.sessions import services as sessions
from quality.sessions.models import QualitySession
from tests import factories
from tests.concurrency import THREADS, race


def _postgres_only(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")


@pytest.mark.postgres
def test_beats_racing_on_one_agenda_send_it_once(app):
    _postgres_only(app)
    with app.app_context():
        referent = factories.user(role=Role.QUALITY_REFERENT)
        session = sessions.schedule(actor=referent, data={
            "kind": "crex", "starts_at": utcnow() + timedelta(days=3), "place": "Salle 1",
            "user_ids": [referent.id]})
        ids = {"user": referent.id, "session": session.id}
    try:
        results = race(app, lambda: session_agenda.send_agenda(session_id=ids["session"]))
        with app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(
                Message.topic == "quality.session.agenda", Message.about_id == ids["session"]))
            assert results.count(True) == 1 and len(results) == THREADS and count == 1
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Message).where(Message.about_type == "quality_session",
                                                        Message.about_id == ids["session"]))
            db.session.execute(sa.delete(AuditEvent).where(sa.or_(
                sa.and_(AuditEvent.object_type == "quality_session", AuditEvent.object_id == str(ids["session"])),
                sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(ids["user"])))))
            db.session.execute(sa.delete(QualitySession).where(QualitySession.id == ids["session"]))
            db.session.execute(sa.delete(User).where(User.id == ids["user"]))
            db.session.commit()
