"""stock: what one unit of an item holds (a « boîte de 20 » holds 20 « masque »)

Revision ID: 0016_stock_units
Revises: 0015_directory_repair_skills
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_stock_units"
down_revision = "0015_directory_repair_skills"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stock_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pack_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pack_content", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("stock_item", schema=None) as batch_op:
        batch_op.drop_column("pack_content")
        batch_op.drop_column("pack_size")
