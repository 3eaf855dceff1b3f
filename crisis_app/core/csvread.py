"""The one CSV reader of every import: a malformed file is a clear French refusal, never a 500.

``csv.reader`` raises ``csv.Error`` on a cell over its field limit (131,072 characters) or, in strict mode, a
stray quote; ``CsvReader`` turns each into a ``ServiceError`` naming the line (400 in the API, a message on
pages).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from crisis_app.core.errors import ServiceError

FIELD_LIMIT = csv.field_size_limit()


class CsvReader:
    """``csv.reader`` with the same ``line_num`` and iteration, raising ``ServiceError`` on a malformed file."""

    def __init__(self, lines: Iterable[str], *, delimiter: str = ";", **options):
        self._reader = csv.reader(lines, delimiter=delimiter, **options)

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as exc:
            raise ServiceError("csv_invalid", _message(self._reader.line_num, exc), field="file",
                               status=400) from None


def _message(line: int, exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        reason = f"une cellule dépasse {FIELD_LIMIT:,} caractères".replace(",", "\u202f")
    else:
        reason = "le fichier n'est pas un CSV valide (guillemet ou séparateur mal placé)"
    return f"Fichier refusé à la ligne {line or 1} : {reason}."


def reader(lines: Iterable[str], *, delimiter: str = ";", **options) -> CsvReader:
    """A ``CsvReader`` over ``lines`` (an open text file, or any iterable of lines)."""
    return CsvReader(lines, delimiter=delimiter, **options)
