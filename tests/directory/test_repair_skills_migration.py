"""Migration 0015 gives back the skills that saving the edit form had turned into the text of objects."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.directory.professionals.models import ProfessionalTag
from tests import factories

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "08_0015_directory_repair_skills.py"


def _migration():
    spec = importlib.util.spec_from_file_location("repair_skills", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_upgrade() -> None:
    db.session.flush()
    context = MigrationContext.configure(db.session.connection())
    with Operations.context(context):
        _migration().upgrade()
    db.session.expire_all()


def _damage(text_of_form: str) -> list[str]:
    """What the old edit form stored: the field's text split on commas, stripped and lower-cased."""
    return sorted({t.strip().lower() for t in text_of_form.split(",") if t.strip()})


def _set_raw_tags(professional_id: int, tags: list[str]) -> None:
    db.session.execute(sa.delete(ProfessionalTag).where(ProfessionalTag.professional_id == professional_id))
    db.session.execute(sa.insert(ProfessionalTag), [{"professional_id": professional_id, "tag": t} for t in tags])


def test_skills_saved_once_or_twice_through_the_old_form_are_given_back(db_session):
    once = factories.professional()
    twice = factories.professional()
    clean = factories.professional(tags=["vaccination"])
    first = _damage(f"[<ProfessionalTag {once.id}, plaies et cicatrisation>, <ProfessionalTag {once.id}, vaccination>]")
    _set_raw_tags(once.id, first)
    # a second save wrapped the damaged pieces again
    wrapped = ", ".join(f"<ProfessionalTag {twice.id}, {t}>" for t in first)
    _set_raw_tags(twice.id, _damage(f"[{wrapped}]"))
    _run_upgrade()
    assert once.skill_list == ["plaies et cicatrisation", "vaccination"]
    assert twice.skill_list == ["plaies et cicatrisation", "vaccination"]
    assert clean.skill_list == ["vaccination"]


def test_each_repaired_entry_has_an_audit_row_and_clean_entries_none(db_session):
    damaged = factories.professional()
    factories.professional(tags=["soins palliatifs"])
    _set_raw_tags(damaged.id, _damage(f"[<ProfessionalTag {damaged.id}, soins palliatifs>]"))
    _run_upgrade()
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "professional.repair_tags")).all()
    assert [e.object_id for e in events] == [str(damaged.id)]
    assert events[0].changes["tags"][1] == ["soins palliatifs"]


def test_running_the_repair_twice_changes_nothing_more(db_session):
    damaged = factories.professional()
    _set_raw_tags(damaged.id, _damage(f"[<ProfessionalTag {damaged.id}, pédiatrie>]"))
    _run_upgrade()
    _run_upgrade()
    assert damaged.skill_list == ["pédiatrie"]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "professional.repair_tags"))
    assert count == 1
