"""Upgrading to doc01: the annual report's job table goes (its files are re-made on demand by core.documents), the
sessions lose their stored minutes PDF but keep when the minutes were established, so the minutes are re-made on
demand and the session is not sent them again. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from crisis_app.core.db import db
from tests.migrations import database_at

NOW = "2026-11-01 08:00:00"
ROWS = [
    "INSERT INTO quality_session (id, kind, title, starts_at, duration_minutes, status, uid, sequence, minutes_pdf, "
    f"minutes_at, created_at, updated_at) VALUES (3, 'crex', 'CREX de novembre', '{NOW}', 90, 'held', "
    f"'crex-3@vigie', 0, NULL, '{NOW}', '{NOW}', '{NOW}')",
    "INSERT INTO aci_annual_report (id, year, state, progress, created_at) VALUES "
    f"(1, 2025, 'done', 100, '{NOW}')",
]


def test_upgrade_drops_the_report_jobs_and_the_stored_minutes_and_keeps_the_session(app, tmp_path):
    with database_at(app, tmp_path, "eng01", ROWS) as old, old.app_context():
        upgrade()
        inspector = sa.inspect(db.engine)
        assert "aci_annual_report" not in inspector.get_table_names()
        columns = {c["name"] for c in inspector.get_columns("quality_session")}
        assert "minutes_pdf" not in columns and "minutes_sent_at" in columns
        rows = db.session.execute(sa.text("SELECT id, title, status, minutes_at IS NOT NULL, minutes_sent_at "
                                          "FROM quality_session")).all()
        assert [tuple(r) for r in rows] == [(3, "CREX de novembre", "held", True, None)]
