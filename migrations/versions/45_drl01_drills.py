"""alerts: drills of the alert chain — scheduled or unannounced, launched once, their alert measured

Revision ID: drl01
Revises: eng02
Create Date: 2026-12-07 04:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "drl01"
down_revision = "eng02"
branch_labels = None
depends_on = None

KINDS = ("scheduled", "unannounced")
STATUSES = ("scheduled", "launched", "cancelled", "failed")
QUESTIONS = ("none", "ack", "availability", "cell")


def upgrade():
    op.create_table(
        "drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="drillkind", native_enum=False, length=20), nullable=False),
        sa.Column("status", sa.Enum(*STATUSES, name="drillstatus", native_enum=False, length=20), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=True),
        sa.Column("audience_name", sa.String(length=200), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("question_kind", sa.Enum(*QUESTIONS, name="questionkind", native_enum=False, length=20),
                  nullable=False),
        sa.Column("sms_text", sa.String(length=480), nullable=False),
        sa.Column("email_text", sa.Text(), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("launched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("launch_error", sa.String(length=300), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audience.id"], name=op.f("fk_drill_audience_id_audience"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], name=op.f("fk_drill_alert_id_alert"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_drill_created_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill")),
        sa.UniqueConstraint("alert_id", name=op.f("uq_drill_alert_id")),
    )
    op.create_index(op.f("ix_drill_status"), "drill", ["status"])
    op.create_index(op.f("ix_drill_scheduled_for"), "drill", ["scheduled_for"])
    op.create_index(op.f("ix_drill_launched_at"), "drill", ["launched_at"])


def downgrade():
    op.drop_index(op.f("ix_drill_launched_at"), table_name="drill")
    op.drop_index(op.f("ix_drill_scheduled_for"), table_name="drill")
    op.drop_index(op.f("ix_drill_status"), table_name="drill")
    op.drop_table("drill")
