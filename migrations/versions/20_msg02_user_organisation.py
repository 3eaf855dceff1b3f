"""accounts: an account may be attached to a partner organisation (it then reads what was sent to it)

Revision ID: msg02
Revises: msg01
"""
import sqlalchemy as sa
from alembic import op

revision = "msg02"
down_revision = "msg01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_user_account_organisation_id_organisation", "organisation",
                                    ["organisation_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("fk_user_account_organisation_id_organisation", type_="foreignkey")
        batch_op.drop_column("organisation_id")
