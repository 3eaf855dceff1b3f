"""The checks every free text of the quality programme passes: cleaned, bounded, and screened for patient data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crisis_app.core.errors import ServiceError
from quality import screening

TEXT_MAX = 4000


def clean_text(value: Any) -> str | None:
    """A stripped text without NUL (PostgreSQL refuses it); None when empty."""
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    return text or None


def refuse_patient_data(texts: Mapping[str, str | None]) -> None:
    """Refuse (422, nothing stored) while a free text holds something that may identify a patient."""
    findings = screening.screen(texts)
    if findings:
        raise ServiceError("patient_data", "Des données pouvant identifier un patient ont été trouvées : "
                           "retirez-les, rien n'a été enregistré.", fields=screening.as_field_errors(findings))
