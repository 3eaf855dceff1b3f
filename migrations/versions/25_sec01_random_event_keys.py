"""quality: adverse events, their history steps and notes keyed at random (no order of declaration to read from a
number); existing rows renumbered with everything that points at them; notes of anonymous declarations journaled
in the nightly batch (adverse_event_note.journaled)

Revision ID: sec01
Revises: qual01
Create Date: 2026-12-07 01:30:00

"""
import re
import secrets

import sqlalchemy as sa
from alembic import op

revision = "sec01"
down_revision = "qual01"
branch_labels = None
depends_on = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
EVENT_KEYS = (32 ** 5, 32 ** 6)  # quality/register/reference.py: six characters of Crockford's base 32
OTHER_KEYS = (1, 2 ** 31)
OLD_REFERENCE = re.compile(r"EIAS-(\d{5,})")


def reference(key):
    digits = []
    for _ in range(6):
        key, rest = divmod(key, 32)
        digits.append(ALPHABET[rest])
    return "EIAS-" + "".join(reversed(digits))


def _mapping(bind, table, keys):
    old = [row[0] for row in bind.execute(sa.text(f"SELECT id FROM {table}"))]
    return dict(zip(old, secrets.SystemRandom().sample(range(*keys), len(old)), strict=True))


def _move(bind, table, column, mapping, where=""):
    # through negative keys, so that no new key meets an old one half-way
    for sign in (-1, 1):
        pairs = [{"old": (old if sign < 0 else -new), "new": sign * new} for old, new in mapping.items()]
        if pairs:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old{where}"), pairs)


def _foreign_keys_to(bind, referred):
    inspector = sa.inspect(bind)
    return [(table, fk) for table in inspector.get_table_names() for fk in inspector.get_foreign_keys(table)
            if fk["referred_table"] == referred]


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    with op.batch_alter_table("adverse_event_note") as batch_op:
        batch_op.add_column(sa.Column("journaled", sa.Boolean(), nullable=False, server_default=sa.true()))

    events = _mapping(bind, "adverse_event", EVENT_KEYS)
    children = _foreign_keys_to(bind, "adverse_event")
    if postgres:  # SQLite runs migrations with its foreign keys off (migrations/env.py)
        for table, fk in children:
            op.drop_constraint(fk["name"], table, type_="foreignkey")
    _move(bind, "adverse_event", "id", events)
    for table, fk in children:
        _move(bind, table, fk["constrained_columns"][0], events)
    _move(bind, "quality_action", "source_id", events, " AND source_type = 'adverse_event'")
    _move(bind, "message", "about_id", events, " AND about_type = 'adverse_event'")
    audit = {str(old): str(new) for old, new in events.items()}
    for table in ("adverse_event_step", "adverse_event_note"):
        _move(bind, table, "id", _mapping(bind, table, OTHER_KEYS))
    if postgres:
        for table, fk in children:
            op.create_foreign_key(fk["name"], table, "adverse_event", fk["constrained_columns"],
                                  fk["referred_columns"], ondelete=fk["options"].get("ondelete"))
        for table in ("adverse_event", "adverse_event_step", "adverse_event_note"):
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id DROP DEFAULT")
            op.execute(f"DROP SEQUENCE IF EXISTS {table}_id_seq")

    # the texts that name an event by its former number: the audit trail's summaries, the actions' source titles
    by_number = {old: reference(new) for old, new in events.items()}

    def renamed(text):
        return OLD_REFERENCE.sub(lambda m: by_number.get(int(m.group(1)), m.group(0)), text) if text else text

    rows = bind.execute(sa.text("SELECT id, object_type, object_id, summary FROM audit_event "
                                "WHERE object_type = 'adverse_event' OR summary LIKE '%EIAS-%'")).all()
    updates = [{"id": row.id, "summary": renamed(row.summary),
                "object_id": audit.get(row.object_id, row.object_id) if row.object_type == "adverse_event"
                else row.object_id} for row in rows]
    if updates:
        bind.execute(sa.text("UPDATE audit_event SET object_id = :object_id, summary = :summary WHERE id = :id"),
                     updates)
    titles = bind.execute(sa.text("SELECT id, source_title FROM quality_action WHERE source_title LIKE '%EIAS-%'"))
    changed = [{"id": row.id, "title": renamed(row.source_title)} for row in titles]
    if changed:
        bind.execute(sa.text("UPDATE quality_action SET source_title = :title WHERE id = :id"), changed)


def downgrade():
    # the former numbers are not kept (keeping them would keep the order they gave away)
    with op.batch_alter_table("adverse_event_note") as batch_op:
        batch_op.drop_column("journaled")
