"""The checks every free text of the quality programme passes: cleaned, bounded, and screened for patient data and
person names (the directory's professionals among them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.directory.professionals.models import Professional
from quality import screening

TEXT_MAX = 4000


def clean_text(value: Any) -> str | None:
    """A stripped text without NUL (PostgreSQL refuses it); None when empty."""
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def directory_people() -> re.Pattern | None:
    """The pattern of the CPTS's active professionals' names (one query; the directory holds at most thousands)."""
    rows = db.session.execute(sa.select(Professional.first_name, Professional.last_name)
                              .where(Professional.active.is_(True))).all()
    return screening.people_pattern((first, last) for first, last in rows)


def findings(texts: Mapping[str, str | None], *, not_persons: Iterable[str] = ()) -> list[screening.Finding]:
    """What the screen finds in ``texts``, the directory's people included."""
    return screening.screen(texts, people=directory_people(), not_persons=not_persons)


def refuse_patient_data(texts: Mapping[str, str | None], *, not_persons: Iterable[str] = ()) -> None:
    """Refuse (422, nothing stored) while a free text holds something that may identify a patient or names a person."""
    found = findings(texts, not_persons=not_persons)
    if found:
        error = ServiceError("patient_data", "Des données pouvant identifier une personne ont été trouvées : "
                             "réécrivez-les, rien n'a été enregistré.", fields=screening.as_field_errors(found))
        error.findings = found  # a form offers "this is not a person" for each flagged name
        raise error


def not_persons(values: Any) -> list[str]:
    """The words a writer marked as not a person (a place, a drug): short words only, twenty at most."""
    if not isinstance(values, list | tuple):
        return []
    words = [clean_text(v) for v in values if isinstance(v, str)]
    return [w for w in words if w and len(w) <= 80][:20]
