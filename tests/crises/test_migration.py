"""The migration carries today's ``crisis.journal.*`` audit rows over as a chained journal."""

from __future__ import annotations

import sqlalchemy as sa

from config.settings import load_settings
from crisis_app import create_app
from crisis_app.core.db import db
from crisis_app.crises import journal
from crisis_app.crises.models import Crisis


def test_upgrading_turns_old_journal_audit_rows_into_a_verified_chain(tmp_path):
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}",
                      "CELERY": {**load_settings()["CELERY"], "broker_url": "memory://"}})
    with app.app_context():
        upgrade(revision="0004_alerts")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO crisis (id, title, typology, gradation, opened_at, is_exercise, "
                                 "created_at) VALUES (7, 'Grippe', 3, 1, '2026-01-05 08:00:00.000000', 0, "
                                 "'2026-01-05 08:00:00.000000')"))
            conn.execute(sa.text(
                "INSERT INTO audit_event (at, actor_label, action, object_type, object_id, summary, changes) VALUES "
                "('2026-01-05 09:00:00.250000', 'anne@example.org', 'crisis.journal.alert', 'crisis', '7', "
                "'Alerte « Renfort » envoyée à 12 personne(s)', '{}'), "
                "('2026-01-05 10:00:00.000000', 'système', 'crisis.journal.alert', 'crisis', '7', "
                "'Fin de l''alerte « Renfort »', '{}'), "
                "('2026-01-05 09:30:00.000000', 'anne@example.org', 'crisis.open', 'crisis', '7', 'autre', '{}')"))
        upgrade()
        entries = journal.entries(db.session.get_one(Crisis, 7))
        assert [(e.seq, e.kind.value, e.author_label) for e in entries] == [
            (1, "alert", "anne@example.org"), (2, "alert", "système")]
        assert entries[0].text.startswith("Alerte « Renfort »")
        assert journal.first_broken(7) is None
        db.session.remove()
        db.engine.dispose()
