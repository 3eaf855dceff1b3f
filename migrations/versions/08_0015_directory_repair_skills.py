"""directory: repair skills saved as the text of ProfessionalTag objects

The professional edit form pre-filled "Compétences" with ``[<ProfessionalTag 53, plaies et cicatrisation>, …]``
and saving it stored the pieces of that text, split on commas, as skills: ``[<professionaltag 53``,
``plaies et cicatrisation>``, ``vaccination>]``. Each repeated save wrapped the pieces again. The real
skill names survive inside the pieces: keep them, drop the rest, and leave an audit row per entry repaired.

Revision ID: 0015_directory_repair_skills
Revises: 0030_quality_events
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision = "0015_directory_repair_skills"
down_revision = "0030_quality_events"
branch_labels = None
depends_on = None

DAMAGE = re.compile(r"professionaltag\s+\d+", re.IGNORECASE)
TAG_MAX_LENGTH = 60

tag_table = sa.table("professional_tag", sa.column("professional_id", sa.Integer), sa.column("tag", sa.String))
audit_table = sa.table(
    "audit_event", sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_label", sa.String), sa.column("action", sa.String), sa.column("object_type", sa.String),
    sa.column("object_id", sa.String), sa.column("summary", sa.String), sa.column("changes", sa.JSON))


def is_damaged(tag: str) -> bool:
    return bool(DAMAGE.search(tag)) or tag.startswith(("[", "<")) or tag.endswith((">", "]"))


def repaired(tags: list[str]) -> list[str]:
    """The skill names hidden in damaged pieces, with the clean tags kept; sorted, without duplicates."""
    names = set()
    for tag in tags:
        name = re.sub(r"[\[\]<>]", "", DAMAGE.sub("", tag)).strip().lower() if is_damaged(tag) else tag
        if name:
            names.add(name[:TAG_MAX_LENGTH])
    return sorted(names)


def upgrade():
    bind = op.get_bind()
    by_person: dict[int, list[str]] = {}
    for professional_id, tag in bind.execute(sa.select(tag_table.c.professional_id, tag_table.c.tag)):
        by_person.setdefault(professional_id, []).append(tag)
    now = datetime.now(UTC)
    for professional_id, tags in sorted(by_person.items()):
        if not any(is_damaged(t) for t in tags):
            continue
        fixed = repaired(tags)
        bind.execute(tag_table.delete().where(tag_table.c.professional_id == professional_id))
        if fixed:
            bind.execute(tag_table.insert(), [{"professional_id": professional_id, "tag": t} for t in fixed])
        bind.execute(audit_table.insert().values(
            at=now, actor_label="système", action="professional.repair_tags", object_type="professional",
            object_id=str(professional_id),
            summary=f"Compétences réparées (abîmées par le formulaire de modification) : {', '.join(fixed) or '—'}",
            changes={"tags": [sorted(tags), fixed]}))


def downgrade():
    # The damaged text carried no information the repaired names lack: nothing to restore.
    pass
