"""Pagination and search helpers every list uses: no page number or search text can break a query.

``page=10**30`` would become an OFFSET the database refuses (a 500); ``per_page=-1`` a negative LIMIT;
``q=%`` a LIKE that matches everyone. Pages are clamped to what exists, sizes to a range, and search text is
matched literally.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from crisis_app.core.db import db

MAX_PAGE = 1_000_000


def _ascii_int(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page asked for, from 1 to MAX_PAGE; anything that is not a plain number means page 1."""
    number = _ascii_int(args.get(name))
    return min(max(number or 1, 1), MAX_PAGE)


def page_size(args: Mapping[str, str], *, default: int, maximum: int, name: str = "per_page") -> int:
    """The page size asked for, clamped to 1..``maximum``; ``default`` when absent or not a number."""
    number = _ascii_int(args.get(name))
    return default if number is None else min(max(number, 1), maximum)


# url_for's own keywords: a query string naming one would change how the link is built (or raise)
URL_FOR_KEYWORDS = {"endpoint", "values", "_method", "_external", "_anchor", "_scheme"}


def link_args(args, *, drop: tuple[str, ...] = ("page",)) -> dict[str, list[str]]:
    """The query arguments to carry into another link (filters), without ``drop`` nor url_for's own keywords.

    ``{{ url_for('x.index', page=2, **link_args(request.args)) }}`` in templates (a Jinja global).
    """
    return {k: v for k, v in args.to_dict(flat=False).items()
            if k not in drop and k not in URL_FOR_KEYWORDS and not k.startswith("_")}


def register_template_helpers(app) -> None:
    app.add_template_global(link_args, "link_args")


def paginate(query: sa.Select, *, page: int, per_page: int) -> Pagination:
    """``db.paginate`` that never fails: a page beyond the last shows the last one."""
    page = min(max(page, 1), MAX_PAGE)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)
    if result.total and page > result.pages:
        result = db.paginate(query, page=result.pages, per_page=per_page, error_out=False,
                             max_per_page=per_page)
    return result


def escape_like(text: str, escape: str = "\\") -> str:
    """``text`` with LIKE's wildcards (``%``, ``_``) and the escape character taken literally."""
    return text.replace(escape, escape * 2).replace("%", escape + "%").replace("_", escape + "_")


def contains(column, text: str):
    """A case-insensitive "column contains text" condition where ``%`` and ``_`` are plain characters."""
    return column.ilike(f"%{escape_like(text)}%", escape="\\")
