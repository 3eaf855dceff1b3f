"""quality: quality_session.case_summary and .conclusions, for practice-analysis groups and complex-case
concertations (new session kinds: the kind column is a VARCHAR, no type to change)

Revision ID: qual02
Revises: plan03
Create Date: 2026-12-07 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "qual02"
down_revision = "plan03"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quality_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("conclusions", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("quality_session", schema=None) as batch_op:
        batch_op.drop_column("conclusions")
        batch_op.drop_column("case_summary")
