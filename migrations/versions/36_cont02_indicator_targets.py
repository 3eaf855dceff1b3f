"""quality: indicator_target, a target per indicator and year (and whether it conditions the variable part)

Revision ID: cont02
Revises: cont01
Create Date: 2026-12-07 01:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "cont02"
down_revision = "cont01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("conditions_variable", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_indicator_target_year_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_target")),
        sa.UniqueConstraint("indicator", "year", name="uq_indicator_target_indicator_year"),
    )


def downgrade():
    op.drop_table("indicator_target")
