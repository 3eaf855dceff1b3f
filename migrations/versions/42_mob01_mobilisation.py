"""alerts: mobilise until N said yes — a quota per profession (its counter never passes its target), ordered waves
of audiences, and on each alert recipient its profession, wave, quota and what their answer did to it; a trigger
copies an answer's quota status to the person (the answer stays one INSERT)

Revision ID: mob01
Revises: doc01
Create Date: 2026-12-07 04:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "mob01"
down_revision = "doc01"
branch_labels = None
depends_on = None

# Fires only for an answer to an alert with quotas (quota_status set): an alert without quotas pays nothing.
_COPY = ("UPDATE alert_recipient SET quota_status = CASE WHEN NEW.quota_status = 'none' THEN NULL "
         "ELSE NEW.quota_status END WHERE id = NEW.recipient_id;")


def upgrade():
    op.create_table(
        "alert_quota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("profession_code", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("confirmed >= 0 AND confirmed <= target", name=op.f("ck_alert_quota_quota_within_target")),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_alert_quota_alert_id_alert"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_quota")),
        sa.UniqueConstraint("alert_id", "profession_code", name="one_quota_per_profession"),
    )
    op.create_index(op.f("ix_alert_quota_alert_id"), "alert_quota", ["alert_id"], unique=False)
    op.create_table(
        "alert_wave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=True),
        sa.Column("audience_name", sa.String(length=200), nullable=False),
        sa.Column("wait_minutes", sa.Integer(), nullable=False),
        sa.Column("launched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_alert_wave_alert_id_alert"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_alert_wave_audience_id_audience"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_wave")),
        sa.UniqueConstraint("alert_id", "position", name="one_wave_per_position"),
    )
    op.create_index(op.f("ix_alert_wave_alert_id"), "alert_wave", ["alert_id"], unique=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # the table copy below would leave eng01's trigger naming a table being replaced
        op.execute("DROP TRIGGER IF EXISTS alert_answer_applies")
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profession_code", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("wave", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("quota_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quota_status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("told_complete_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_recipient_quota_id"), ["quota_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_alert_recipient_quota_id_alert_quota"), "alert_quota",
                                    ["quota_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.alter_column("wave", server_default=None)
    op.add_column("alert_answer", sa.Column("quota_status", sa.String(length=10), nullable=True))
    if sqlite:
        _eng01_trigger()
        op.execute("CREATE TRIGGER alert_answer_quota AFTER INSERT ON alert_answer "
                   f"WHEN NEW.quota_status IS NOT NULL BEGIN {_COPY} END")
    else:
        op.execute(f"CREATE OR REPLACE FUNCTION alert_answer_quota() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {_COPY} RETURN NULL; END $$")
        op.execute("CREATE TRIGGER alert_answer_quota AFTER INSERT ON alert_answer FOR EACH ROW "
                   "WHEN (NEW.quota_status IS NOT NULL) EXECUTE FUNCTION alert_answer_quota()")


def _eng01_trigger():
    """eng01's trigger as it was (SQLite), put back after the table copy."""
    recipient = ("UPDATE alert_recipient SET answer_code = NEW.code, answered_at = NEW.at, "
                 "answer_comment = COALESCE(NEW.comment, answer_comment) WHERE id = NEW.recipient_id;")
    deliveries = ("UPDATE delivery SET state = 'answered' WHERE state = 'sent' AND purpose <> 'end' AND "
                  "recipient_id = (SELECT message_recipient_id FROM alert_recipient WHERE id = NEW.recipient_id);")
    op.execute(f"CREATE TRIGGER alert_answer_applies AFTER INSERT ON alert_answer BEGIN {recipient} {deliveries} END")


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DROP TRIGGER IF EXISTS alert_answer_quota" + ("" if sqlite else " ON alert_answer"))
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS alert_answer_quota()")
    else:
        op.execute("DROP TRIGGER IF EXISTS alert_answer_applies")
    with op.batch_alter_table("alert_answer", schema=None) as batch_op:
        batch_op.drop_column("quota_status")
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alert_recipient_quota_id_alert_quota"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alert_recipient_quota_id"))
        for column in ("told_complete_at", "quota_status", "quota_id", "wave", "profession_code"):
            batch_op.drop_column(column)
    if sqlite:
        _eng01_trigger()
    op.drop_index(op.f("ix_alert_wave_alert_id"), table_name="alert_wave")
    op.drop_table("alert_wave")
    op.drop_index(op.f("ix_alert_quota_alert_id"), table_name="alert_quota")
    op.drop_table("alert_quota")
