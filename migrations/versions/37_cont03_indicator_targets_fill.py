"""quality: each own indicator's single target becomes its target of the current year (Europe/Paris)

Revision ID: cont03
Revises: cont02
Create Date: 2026-12-07 01:51:00

"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "cont03"
down_revision = "cont02"
branch_labels = None
depends_on = None


def upgrade():
    now = datetime.now(UTC)
    year = now.astimezone(ZoneInfo("Europe/Paris")).year
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, target FROM quality_indicator WHERE target IS NOT NULL")).all()
    targets = sa.table("indicator_target", sa.column("indicator", sa.String), sa.column("year", sa.Integer),
                       sa.column("value", sa.Float), sa.column("conditions_variable", sa.Boolean),
                       sa.column("updated_at", sa.DateTime(timezone=True)))
    if rows:
        op.bulk_insert(targets, [{"indicator": f"own.{row.id}", "year": year, "value": row.target,
                                  "conditions_variable": False, "updated_at": now} for row in rows])


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT indicator, value FROM indicator_target WHERE indicator LIKE 'own.%' "
                                "ORDER BY year")).all()
    for row in rows:  # the latest year's target wins, as the single target it was
        bind.execute(sa.text("UPDATE quality_indicator SET target = :value WHERE id = :id"),
                     {"value": row.value, "id": int(row.indicator.split(".", 1)[1])})
    bind.execute(sa.text("DELETE FROM indicator_target WHERE indicator LIKE 'own.%'"))
