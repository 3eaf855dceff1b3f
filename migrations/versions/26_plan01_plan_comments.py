"""plan: plan_comment, observers' remarks on a section of a draft and their threads, kept with the version

Revision ID: plan01
Revises: sec01
Create Date: 2026-12-07 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "plan01"
down_revision = "sec01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_label", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("section IN ('anticipation', 'adaptation', 'pilotage', 'retex')",
                           name=op.f("ck_plan_comment_comment_section")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan_version.id"], name=op.f("fk_plan_comment_plan_id_plan_version"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["thread_id"], ["plan_comment.id"],
                                name=op.f("fk_plan_comment_thread_id_plan_comment"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_plan_comment_author_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_comment")),
    )
    with op.batch_alter_table("plan_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_comment_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_comment_thread_id"), ["thread_id"], unique=False)


def downgrade():
    with op.batch_alter_table("plan_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_comment_thread_id"))
        batch_op.drop_index(batch_op.f("ix_plan_comment_plan_id"))
    op.drop_table("plan_comment")
