"""quality: adverse_event.not_person_marks, how many flagged words the declarer marked as not a person (the words
are not kept)

Revision ID: qual01
Revises: auth02
Create Date: 2026-12-06 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "qual01"
down_revision = "auth02"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_person_marks", sa.SmallInteger(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.drop_column("not_person_marks")
