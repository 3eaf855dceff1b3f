"""directory: fill professional.search_text for the entries written before it existed

Revision ID: 0018_directory_search_backfill
Revises: 0017_directory_search_column
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0018_directory_search_backfill"
down_revision = "0017_directory_search_column"
branch_labels = None
depends_on = None

FIELDS = ("first_name", "last_name", "rpps", "adeli", "mobile_phone", "structure_phone", "email")
BATCH = 1000

# Copied from crisis_app.directory.text_search as it was when this revision was written (a migration never imports
# live code): the folded text a professional is found by.
_SEPARATORS = re.compile(r"[-'’‐–—,;\s]+")


def fold(text):
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _SEPARATORS.sub(" ", bare).strip()


def phone_digits(text):
    if not text:
        return ""
    stripped = text.strip()
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("+33"):
        return "0" + digits[2:]
    if digits.startswith("0033"):
        return "0" + digits[4:]
    return digits


def search_text(*, first_name, last_name, rpps=None, adeli=None, mobile_phone=None, structure_phone=None,
                email=None):
    parts = [fold(first_name), fold(last_name), rpps or "", adeli or "", phone_digits(mobile_phone),
             phone_digits(structure_phone), (email or "").lower()]
    return " ".join(p for p in parts if p)


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
