"""The themes sessions address (a list the referents keep; the suggested ones are added once). Each change is
written with its audit row in the caller's unit of work."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from quality import validation
from quality.sessions.models import QualityTheme
from quality.sessions.vocab import DEFAULT_THEMES


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


@atomic()
def add_theme(*, actor: User, label: str) -> QualityTheme:
    text = validation.clean_text(label)
    if not text or len(text) > 120:
        raise _refuse("Nommez le thème (120 caractères au plus).", "label")
    validation.refuse_patient_data({"label": text})
    if db.session.scalar(sa.select(QualityTheme.id).where(sa.func.lower(QualityTheme.label) == text.lower())):
        raise _refuse("Ce thème existe déjà.", "label")
    theme = QualityTheme(label=text, active=True)
    db.session.add(theme)
    db.session.flush()
    audit.record(actor=actor, action="quality.theme.add", object_type="quality_theme", object_id=theme.id,
                 summary=f"Thème ajouté : {text}")
    return theme


@atomic()
def set_theme_active(*, actor: User, theme: QualityTheme, active: bool) -> QualityTheme:
    theme.active = bool(active)
    audit.record(actor=actor, action="quality.theme.active", object_type="quality_theme", object_id=theme.id,
                 summary=f"Thème « {theme.label} » {'proposé' if active else 'retiré de la liste'}")
    return theme


def ensure_default_themes() -> None:
    """The suggested themes, once, when the list is empty (joins the caller's transaction)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(QualityTheme)) == 0:
        db.session.add_all(QualityTheme(label=label) for label in DEFAULT_THEMES)

