"""directory: fill professional.search_text for the entries written before it existed

Revision ID: 0018_directory_search_backfill
Revises: 0017_directory_search_column
"""
import sqlalchemy as sa
from alembic import op

from crisis_app.directory.professionals.text_search import search_text

revision = "0018_directory_search_backfill"
down_revision = "0017_directory_search_column"
branch_labels = None
depends_on = None

FIELDS = ("first_name", "last_name", "rpps", "adeli", "mobile_phone", "structure_phone", "email")
BATCH = 1000

professional = sa.table("professional", sa.column("id", sa.Integer), sa.column("search_text", sa.String),
                        *(sa.column(f, sa.String) for f in FIELDS))


def upgrade():
    bind = op.get_bind()
    last_id = 0
    while True:
        rows = bind.execute(sa.select(professional.c.id, *(professional.c[f] for f in FIELDS))
                            .where(professional.c.id > last_id).order_by(professional.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            values = {f: getattr(row, f) for f in FIELDS}
            bind.execute(professional.update().where(professional.c.id == row.id)
                         .values(search_text=search_text(**values)))
        last_id = rows[-1].id


def downgrade():
    pass  # the column goes with 0017's downgrade
