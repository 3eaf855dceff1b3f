"""The one CSV writer of every export: `;`-separated, UTF-8 with a BOM (Excel), formula-safe.

A spreadsheet runs a cell that starts with ``= + - @`` (also behind spaces, a tab or a line break, and in their
full-width forms, which some spreadsheets read too) as a formula, so a comment typed through a public link could
become ``=HYPERLINK(…)`` in the cellule's spreadsheet: such text is prefixed with an apostrophe, which spreadsheets
show as plain text. Text that starts with an apostrophe gets one more, so ``unescape_cell`` gives back exactly what
was written (the directory's export is imported again).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from flask import Response

from crisis_app.core.timez import paris_datetime

DELIMITER = ";"
FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and the full-width = + - @
CONTROL_STARTS = ("\t", "\r", "\n")
ESCAPE = "'"


def starts_formula(text: str) -> bool:
    """True when a spreadsheet could run ``text`` (or when it starts with our escape, to keep round trips exact)."""
    if not text.strip():
        return False
    return text[:1] in CONTROL_STARTS or text.lstrip()[:1] in (*FORMULA_STARTS, ESCAPE)


def escape_text(text: str) -> str:
    """``text`` as a cell no spreadsheet runs."""
    return ESCAPE + text if starts_formula(text) else text


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet must see it: text never starts a formula; dates in French, times in Paris."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return paris_datetime(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return escape_text(value)
    return value


def unescape_cell(text: str) -> str:
    """Undo ``escape_text`` on a cell read back from one of our exports."""
    return text[1:] if text.startswith(ESCAPE) and starts_formula(text[1:]) else text


def write_rows(handle: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> int:
    """Write the header and the rows to ``handle``; returns the number of rows."""
    if bom:
        handle.write("\ufeff")
    writer = csv.writer(handle, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        count += 1
    return count


def to_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    write_rows(buffer, header, rows)
    return buffer.getvalue()


def _stream(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    for i, row in enumerate(rows, 1):
        writer.writerow([safe_cell(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """An attachment download; ``rows`` may be a generator (it is written as it is read)."""
    body = to_text(header, rows)
    response = Response(body, mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
