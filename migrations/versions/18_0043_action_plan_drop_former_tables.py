"""action plan: drop the tables its rows were carried from (crisis_evaluation_action, eigs_reminder,
quality_action_reminder)

Revision ID: 0043_action_plan_drop_former
Revises: 0042_reminder_steps_rows
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0043_action_plan_drop_former"
down_revision = "0042_reminder_steps_rows"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("crisis_evaluation_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crisis_evaluation_action_evaluation_id"))
    op.drop_table("crisis_evaluation_action")
    op.drop_table("eigs_reminder")
    op.drop_table("quality_action_reminder")


def downgrade():
    op.create_table(
        "quality_action_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["quality_action.id"],
                                name=op.f("fk_quality_action_reminder_action_id_quality_action"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_action_reminder")),
        sa.UniqueConstraint("action_id", "step", name="uq_action_reminder_step"),
    )
    op.create_table(
        "eigs_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["adverse_event.id"], name=op.f("fk_eigs_reminder_event_id_adverse_event"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eigs_reminder")),
        sa.UniqueConstraint("event_id", "step", name="uq_eigs_reminder_event_step"),
    )
    op.create_table(
        "crisis_evaluation_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.Enum("todo", "in_progress", "done", name="actionstatus", native_enum=False, length=24),
                  nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["crisis_evaluation.id"],
                                name=op.f("fk_crisis_evaluation_action_evaluation_id_crisis_evaluation"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_evaluation_action")),
    )
    with op.batch_alter_table("crisis_evaluation_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crisis_evaluation_action_evaluation_id"), ["evaluation_id"],
                              unique=False)
