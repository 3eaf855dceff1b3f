"""Parallel writers on PostgreSQL never fork the journal's chain.

Each thread has its own app context, session and connection, on committed data (the rolled-back ``db_session``
fixture would put every thread on one connection and prove nothing).
"""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.roles import Role
from crisis_app.crises import journal, services
from crisis_app.crises.models import Crisis, JournalEntry, LevelChange
from tests import factories

THREADS = 8
EACH = 5


@pytest.mark.postgres
def test_eight_threads_writing_at_once_leave_one_unbroken_chain(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    with app.app_context():
        actor = factories.user(role=Role.CRISIS_CELL)
        crisis = services.open_crisis(actor=actor, title=f"Concurrence {uuid.uuid4().hex[:6]}", typology=1)
        ids = {"actor": actor.id, "crisis": crisis.id}
    start = threading.Barrier(THREADS, timeout=30)
    failures: list[str] = []

    def write_some(n: int) -> None:
        with app.app_context():
            start.wait()
            try:
                for i in range(EACH):
                    journal.write(actor=db.session.get(User, ids["actor"]),
                                  crisis=db.session.get(Crisis, ids["crisis"]), kind="information",
                                  text=f"écrivain {n}, ligne {i}")
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                failures.append(f"{type(exc).__name__}: {exc}")

    try:
        threads = [threading.Thread(target=write_some, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failures == []
        with app.app_context():
            rows = db.session.execute(sa.select(JournalEntry.seq, JournalEntry.prev_hash, JournalEntry.hash)
                                      .where(JournalEntry.crisis_id == ids["crisis"])
                                      .order_by(JournalEntry.seq)).all()
            assert [r.seq for r in rows] == list(range(1, 2 + THREADS * EACH))
            assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
            assert journal.first_broken(ids["crisis"]) is None
    finally:
        with app.app_context():
            db.session.execute(sa.delete(JournalEntry).where(JournalEntry.crisis_id == ids["crisis"]))
            db.session.execute(sa.delete(LevelChange).where(LevelChange.crisis_id == ids["crisis"]))
            db.session.execute(sa.delete(AuditEvent).where(sa.or_(
                AuditEvent.actor_id == ids["actor"],
                sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(ids["actor"])))))
            db.session.execute(sa.delete(Crisis).where(Crisis.id == ids["crisis"]))
            db.session.execute(sa.delete(User).where(User.id == ids["actor"]))
            db.session.commit()
