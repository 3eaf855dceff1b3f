"""contract: the twice-yearly indicator reviews and what they decided per indicator and action

Revision ID: cont05
Revises: cont04
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "cont05"
down_revision = "cont04"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "aci_indicator_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("uid", sa.String(length=120), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum("planned", "held", name="reviewstatus", native_enum=False, length=12),
                  nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_aci_indicator_review_created_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aci_indicator_review")),
        sa.UniqueConstraint("uid", name=op.f("uq_aci_indicator_review_uid")),
    )
    op.create_table(
        "aci_review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=60), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("indicator IS NOT NULL OR action_id IS NOT NULL",
                           name=op.f("ck_aci_review_decision_about_something")),
        sa.ForeignKeyConstraint(["review_id"], ["aci_indicator_review.id"],
                                name=op.f("fk_aci_review_decision_review_id_aci_indicator_review"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["quality_action.id"],
                                name=op.f("fk_aci_review_decision_action_id_quality_action"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_aci_review_decision_author_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aci_review_decision")),
    )
    with op.batch_alter_table("aci_review_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aci_review_decision_review_id"), ["review_id"], unique=False)


def downgrade():
    with op.batch_alter_table("aci_review_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aci_review_decision_review_id"))
    op.drop_table("aci_review_decision")
    op.drop_table("aci_indicator_review")
