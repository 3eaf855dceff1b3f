"""Reading an import file's header by name: columns and their spellings, line errors in French.

The Annuaire Santé's columns change between versions (52 in one, 56 in another, some spelled differently),
so every import reads them by header name, compared without case, accents, spaces or punctuation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from marshmallow import ValidationError

from crisis_app.core.errors import ServiceError


class LineError(ValueError):
    """A line refused for a reason given in French; the import goes on without it."""


def normalize_header(name: str) -> str:
    """Header names compared without case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", "")).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the spelling shown in messages
    required: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {normalize_header(n) for n in (self.label, *self.aliases)}


def map_columns(header: Iterable[str], columns: Iterable[Column], *, what: str) -> dict[str, int]:
    """``{key: position}`` of the wanted columns found in ``header``; refuse when a required one is missing."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalize_header(name), index)
    found, missing = {}, []
    for column in columns:
        index = next((positions[n] for n in column.names() if n in positions), None)
        if index is not None:
            found[column.key] = index
        elif column.required:
            missing.append(f"« {column.label} »")
    if missing:
        raise ServiceError("bad_header", f"Fichier refusé : colonne(s) obligatoire(s) absente(s) : "
                           f"{', '.join(missing)}. Vérifiez qu'il s'agit bien {what}.", field="file", status=400)
    return found



def schema_errors(exc: ValidationError, labels: dict[str, str]) -> str:
    """A French sentence naming each refused field by its column label."""
    parts = []
    for key, messages in exc.messages.items():
        text = " ".join(messages) if isinstance(messages, list) else str(messages)
        parts.append(f"{labels.get(key, key)} : {text}")
    return " ; ".join(parts)
