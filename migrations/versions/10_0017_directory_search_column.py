"""directory: professional.search_text, the folded text a search compares

Revision ID: 0017_directory_search_column
Revises: 0016_stock_units
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_directory_search_column"
down_revision = "0016_stock_units"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.String(length=700), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("professional", schema=None) as batch_op:
        batch_op.drop_column("search_text")
