"""URL converters: a path id is what the database can hold, in ASCII digits, or the route does not match (404)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# PostgreSQL ``integer`` (our primary keys): a larger id can name nothing, and asking the database for it errors.
DB_INT_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` bounded to the database's integer range; ``\\d`` would also take ``١٢٣`` or ``²``."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = DB_INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        if signed:
            self.regex = r"-?[0-9]{1,10}"


def register_converters(app: Flask) -> None:
    """Replace Flask's ``int`` converter before any blueprint adds a rule."""
    app.url_map.converters["int"] = DatabaseIdConverter
