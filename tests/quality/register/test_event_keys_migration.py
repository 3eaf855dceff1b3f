"""Upgrading a register numbered in sequence: every event, history step and note gets a random key, and everything
that pointed at an event follows it (its steps, notes, duplicate, actions, audit rows, messages); the audit trail's
summaries and the actions' titles name the events by their new references. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from crisis_app.core.db import db
from quality.register import reference
from tests.migrations import database_at

NOW = "2026-11-01 08:00:00"
EVENT = ("INSERT INTO adverse_event (id, created_at, updated_at, state, occurred_on, place, professions, nature, "
         "reached_patient, category, description, immediate_measures, search_text, declarer_severity, "
         "declarer_likelihood, severity, criticality, anonymous, is_eigs, duplicate_of_id) VALUES "
         "({id}, '{NOW}', '{NOW}', 'declare', '2026-10-30', 'cabinet', '[]', 'evenement', 'oui', 'medicament', "
         "'Récit {id}', 'Mesures', 'recit', 2, 2, 2, 4, {anonymous}, false, {duplicate})")
ROWS = [
    EVENT.format(id=5, NOW=NOW, anonymous="false", duplicate="NULL"),
    EVENT.format(id=6, NOW=NOW, anonymous="true", duplicate="NULL"),
    EVENT.format(id=7, NOW=NOW, anonymous="false", duplicate=5),
    "INSERT INTO adverse_event_step (id, event_id, at, to_state, actor_label) VALUES "
    f"(11, 5, '{NOW}', 'declare', 'Anne Dupré'), (12, 6, '{NOW}', 'declare', 'déclarant anonyme'), "
    f"(13, 7, '{NOW}', 'declare', 'Anne Dupré')",
    f"INSERT INTO adverse_event_note (id, event_id, at, text) VALUES (21, 6, '{NOW}', 'Précision')",
    "INSERT INTO quality_action (id, title, action_type, source_type, source_id, event_id, source_title, owner_note, "
    f"status, created_at, updated_at) VALUES (40, 'Relire le protocole', 'corrective', 'adverse_event', 6, 6, "
    f"'Déclaration EIAS-00006', 'Pharmacie', 'planifiee', '{NOW}', '{NOW}')",
    "INSERT INTO audit_event (id, at, actor_label, action, object_type, object_id, summary, changes) VALUES "
    f"(100, '{NOW}', 'Anne Dupré', 'quality.event.declare', 'adverse_event', '5', 'EIAS-00005 déclaré', '{{}}'), "
    f"(101, '{NOW}', 'déclarant anonyme', 'quality.event.declare', 'adverse_event', '6', "
    "'EIAS-00006 déclaré anonymement', '{}'), "
    f"(102, '{NOW}', 'Anne Dupré', 'quality.event.transition', 'adverse_event', '7', "
    "'EIAS-00007 : doublon de EIAS-00005', '{}'), "
    f"(103, '{NOW}', 'Anne Dupré', 'auth.login', 'user', '5', 'Connexion', '{{}}')",
]


@pytest.fixture
def old_database(app, tmp_path):
    """A database at qual01, the last revision with keys in sequence."""
    with database_at(app, tmp_path, "qual01", ROWS) as old:
        yield old


def _q(sql: str) -> list:
    return [tuple(row) for row in db.session.execute(sa.text(sql)).all()]


def test_upgrade_draws_new_keys_and_everything_follows(old_database):
    with old_database.app_context():
        upgrade()
        keys = {description[-1]: key for key, description in _q("SELECT id, description FROM adverse_event")}
        assert set(keys) == {"5", "6", "7"}
        assert all(reference.LOW <= key < reference.HIGH for key in keys.values())
        assert _q(f"SELECT duplicate_of_id FROM adverse_event WHERE id = {keys['7']}") == [(keys["5"],)]
        steps = _q("SELECT id, event_id, actor_label FROM adverse_event_step")
        assert sorted((event, label) for _, event, label in steps) == sorted(
            [(keys["5"], "Anne Dupré"), (keys["6"], "déclarant anonyme"), (keys["7"], "Anne Dupré")])
        assert {step for step, _, _ in steps}.isdisjoint({11, 12, 13})
        assert _q("SELECT event_id, text, journaled FROM adverse_event_note") == [(keys["6"], "Précision", True)]
        assert _q("SELECT source_id, event_id, source_title FROM quality_action") == [
            (keys["6"], keys["6"], f"Déclaration {reference.reference(keys['6'])}")]
        audit = dict(_q("SELECT id, object_id || ' ' || summary FROM audit_event"))
        ref = {n: reference.reference(keys[n]) for n in keys}
        assert audit == {100: f"{keys['5']} {ref['5']} déclaré", 101: f"{keys['6']} {ref['6']} déclaré anonymement",
                         102: f"{keys['7']} {ref['7']} : doublon de {ref['5']}", 103: "5 Connexion"}
        # no old-style number left ("EIAS-00012"); a new reference may start with five digits ("EIAS-12345X")
        assert not any(re.search(r"EIAS-\d{5}\b", text) for text in audit.values())


def test_after_the_upgrade_new_events_get_random_keys_not_the_next_number(old_database):
    from quality.register.models import AdverseEvent, AdverseEventStep

    with old_database.app_context():
        upgrade()
        before = set(db.session.scalars(sa.select(AdverseEvent.id)))
        source = db.session.get(AdverseEvent, max(before))
        copy = AdverseEvent(**{c.key: getattr(source, c.key) for c in AdverseEvent.__table__.columns
                               if c.key not in ("id", "duplicate_of_id")})
        db.session.add(copy)
        db.session.flush()
        db.session.add(AdverseEventStep(event_id=copy.id, at=copy.created_at, to_state=copy.state, actor_label="x"))
        db.session.commit()
        assert copy.id not in before and reference.LOW <= copy.id < reference.HIGH
        assert re.fullmatch(r"EIAS-[0-9A-HJKMNP-TV-Z]{6}", copy.reference)
