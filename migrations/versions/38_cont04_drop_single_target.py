"""quality: quality_indicator.target dropped (the targets are per year in indicator_target)

Revision ID: cont04
Revises: cont03
Create Date: 2026-12-07 01:52:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "cont04"
down_revision = "cont03"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quality_indicator", schema=None) as batch_op:
        batch_op.drop_column("target")


def downgrade():
    with op.batch_alter_table("quality_indicator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.Float(), nullable=True))
