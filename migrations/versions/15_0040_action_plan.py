"""action plan: one corrective-action table for both missions (source title, an owner kept as a note, an
optional due date) and one reminder-step ledger for every deadline

Revision ID: 0040_action_plan
Revises: 0020_crises
Create Date: 2026-12-06 18:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0040_action_plan"
down_revision = "0020_crises"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quality_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("owner_note", sa.String(length=200), nullable=True))
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=True)
        batch_op.drop_constraint(op.f("ck_quality_action_has_owner"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_quality_action_has_owner"),
            "owner_professional_id IS NOT NULL OR owner_user_id IS NOT NULL OR owner_note IS NOT NULL")

    op.create_table(
        "reminder_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_step")),
        sa.UniqueConstraint("kind", "subject_id", "step", name="uq_reminder_step"),
    )


def downgrade():
    op.drop_table("reminder_step")
    with op.batch_alter_table("quality_action", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_quality_action_has_owner"), type_="check")
        batch_op.create_check_constraint(op.f("ck_quality_action_has_owner"),
                                         "owner_professional_id IS NOT NULL OR owner_user_id IS NOT NULL")
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("owner_note")
        batch_op.drop_column("source_title")
