"""crises: crisis_situation_report, the points de situation sent to partner organisations during a crisis

Revision ID: plan02
Revises: plan01
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "plan02"
down_revision = "plan01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "crisis_situation_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gradation", sa.SmallInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=254), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("organisation_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["crisis_id"], ["crisis.id"],
                                name=op.f("fk_crisis_situation_report_crisis_id_crisis"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_crisis_situation_report_author_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_situation_report")),
        sa.UniqueConstraint("crisis_id", "number", name="one_number"),
    )
    with op.batch_alter_table("crisis_situation_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crisis_situation_report_crisis_id"), ["crisis_id"], unique=False)


def downgrade():
    with op.batch_alter_table("crisis_situation_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crisis_situation_report_crisis_id"))
    op.drop_table("crisis_situation_report")
