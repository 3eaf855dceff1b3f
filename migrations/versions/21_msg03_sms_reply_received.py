"""outbox: SMS replies received, by the provider's id (a reply is taken once, matched or not)

Revision ID: msg03
Revises: msg02
"""
import sqlalchemy as sa
from alembic import op

revision = "msg03"
down_revision = "msg02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_reply_received",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_ref", sa.String(length=120), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_reply_received")),
        sa.UniqueConstraint("provider_ref", name=op.f("uq_sms_reply_received_provider_ref")),
    )


def downgrade():
    op.drop_table("sms_reply_received")
