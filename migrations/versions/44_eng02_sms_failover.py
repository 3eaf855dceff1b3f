"""outbox: SMS provider failover — which provider sent (or holds) each delivery, the channel's active provider
(when there is no Redis) and the history of switches

Revision ID: eng02
Revises: mob02
Create Date: 2026-12-07 04:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "eng02"
down_revision = "mob02"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(sa.Column("provider", sa.String(length=20), nullable=True))
    op.create_table(
        "channel_provider_state",
        sa.Column("channel", sa.String(length=40), primary_key=True),
        sa.Column("active", sa.String(length=20), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("errors_in_row", sa.Integer(), nullable=False),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "provider_switch",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("from_provider", sa.String(length=20), nullable=False),
        sa.Column("to_provider", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_provider_switch_at", "provider_switch", ["at"])


def downgrade():
    op.drop_index("ix_provider_switch_at", table_name="provider_switch")
    op.drop_table("provider_switch")
    op.drop_table("channel_provider_state")
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("provider")
