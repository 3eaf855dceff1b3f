"""Upgrading a database that holds RETEX actions (crisis_evaluation_action, as 0020 stored them) and sent reminder
steps: each RETEX action becomes an action of the plan with its source, its status mapped and its owner resolved
to the one person or account its name designates, else kept as a note; the steps already sent stay sent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from crisis_app.core.db import db
from tests.migrations import database_at

NOW = "2026-11-01 08:00:00.000000"
ROWS = [
    "INSERT INTO user_account (id, email, full_name, role, password_hash, active, created_at) VALUES "
    f"(1, 'julien@example.org', 'Julien Mercier', 'crisis_referent', 'x', 1, '{NOW}')",
    "INSERT INTO professional (id, rpps, last_name, first_name, profession_code, profession, mobile_phone_source, "
    "email_source, crisis_role, membership, active, updated_at, created_at, search_text) VALUES "
    f"(7, '10000000009', 'Dupré', 'Anne', '60', 'Infirmier', 'manual', 'manual', 'none', 'member', 1, '{NOW}', "
    f"'{NOW}', '')",
    "INSERT INTO crisis (id, title, typology, gradation, opened_at, is_exercise, created_at) VALUES "
    f"(3, 'Canicule juillet', 4, 1, '{NOW}', 0, '{NOW}')",
    "INSERT INTO crisis_evaluation (id, crisis_id, figures, worked, not_worked, status, updated_at, created_at) "
    f"VALUES (5, 3, '{{}}', 'a', 'b', 'sent', '{NOW}', '{NOW}')",
    "INSERT INTO crisis_evaluation_action (id, evaluation_id, title, owner, due_on, status) VALUES "
    "(1, 5, 'Mettre à jour l''annuaire', 'DUPRE anne', '2027-03-01', 'done'), "
    "(2, 5, 'Relancer les IDE', 'julien mercier', NULL, 'in_progress'), "
    "(3, 5, 'Doubler la dotation', 'La mairie de Muret', NULL, 'todo')",
    "INSERT INTO quality_action (id, title, action_type, source_type, source_id, owner_user_id, due_on, status, "
    f"created_at, updated_at) VALUES (40, 'Relire le protocole', 'corrective', 'analysis', 1, 1, '2027-01-10', "
    f"'planifiee', '{NOW}', '{NOW}')",
    "INSERT INTO quality_action_reminder (action_id, step, due_on, sent_at, recipient_count) VALUES "
    f"(40, 'j-10', '2026-12-31', '{NOW}', 1)",
]


@pytest.fixture
def old_database(app, tmp_path):
    """A database at 0020_crises, filled as SQLite stores it."""
    with database_at(app, tmp_path, "0020_crises", ROWS, postgres=False) as old:
        yield old


def _q(sql: str) -> list:
    return [tuple(row) for row in db.session.execute(sa.text(sql)).all()]


def test_upgrade_carries_retex_actions_into_the_action_plan(old_database):
    with old_database.app_context():
        upgrade()
        assert _q("SELECT title, source_type, source_id, source_title, owner_professional_id, owner_user_id, "
                  "owner_note, due_on, status, action_type FROM quality_action WHERE source_type = 'crisis_retex' "
                  "ORDER BY id") == [
            ("Mettre à jour l'annuaire", "crisis_retex", 3, "RETEX — Canicule juillet", 7, None, None,
             "2027-03-01", "realisee", "amelioration"),
            ("Relancer les IDE", "crisis_retex", 3, "RETEX — Canicule juillet", None, 1, None, None, "en_cours",
             "amelioration"),
            ("Doubler la dotation", "crisis_retex", 3, "RETEX — Canicule juillet", None, None,
             "La mairie de Muret", None, "planifiee", "amelioration")]
        assert _q("SELECT name FROM sqlite_master WHERE name IN ('crisis_evaluation_action', 'eigs_reminder', "
                  "'quality_action_reminder')") == []
        assert _q("SELECT kind, subject_id, step FROM reminder_step") == [("action", 40, "j-10")]


def test_the_carried_actions_read_as_the_retex_actions(old_database):
    from crisis_app.crises.models import Crisis
    from crisis_app.crises.retex import evaluation_of

    with old_database.app_context():
        upgrade()
        actions = evaluation_of(db.session.get(Crisis, 3)).actions
        assert [(a.title, a.owner_name, a.status.label) for a in actions] == [
            ("Mettre à jour l'annuaire", "Anne Dupré", "Réalisée"),
            ("Relancer les IDE", "Julien Mercier", "En cours"),
            ("Doubler la dotation", "La mairie de Muret", "Planifiée")]


def test_downgrade_gives_the_retex_actions_back(old_database):
    with old_database.app_context():
        upgrade()
        downgrade(revision="0020_crises")
        assert _q("SELECT evaluation_id, title, owner, due_on, status FROM crisis_evaluation_action ORDER BY id") == [
            (5, "Mettre à jour l'annuaire", "Anne Dupré", "2027-03-01", "done"),
            (5, "Relancer les IDE", "Julien Mercier", None, "in_progress"),
            (5, "Doubler la dotation", "La mairie de Muret", None, "todo")]
        assert _q("SELECT count(*) FROM quality_action WHERE source_type = 'crisis_retex'") == [(0,)]
        assert _q("SELECT action_id, step FROM quality_action_reminder") == [(40, "j-10")]
