"""The lists and settings of the programme: themes, the CPTS's own indicators and their hand-entered values, and
the coordinator's reminder period for overdue actions. Each change is written with its audit row in the caller's
unit of work."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from quality import validation
from quality import vocab_sessions as words
from quality.models_actions import CorrectiveAction, IndicatorValue, ProgrammeSettings, QualityIndicator
from quality.models_sessions import QualityTheme


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


@atomic()
def add_theme(*, actor: User, label: str) -> QualityTheme:
    text = validation.clean_text(label)
    if not text or len(text) > 120:
        raise _refuse("Nommez le thème (120 caractères au plus).", "label")
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
        db.session.add_all(QualityTheme(label=label) for label in words.DEFAULT_THEMES)


@atomic()
def create_indicator(*, actor: User, data: dict[str, Any]) -> QualityIndicator:
    """An indicator: name, definition, target, unit, source (computed metric or manual), the action it follows."""
    name, definition = validation.clean_text(data.get("name")), validation.clean_text(data.get("definition"))
    if not name or len(name) > 200:
        raise _refuse("Nommez l'indicateur (200 caractères au plus).", "name")
    if not definition:
        raise _refuse("Définissez l'indicateur (numérateur, dénominateur, période).", "definition")
    source = data.get("source")
    if source not in words.INDICATOR_SOURCES:
        raise _refuse("Source : calculé par Vigie ou saisi à la main.", "source")
    metric = data.get("metric") if source == "computed" else None
    if source == "computed" and metric not in words.COMPUTED_METRICS:
        raise _refuse("Choisissez la mesure que Vigie calcule.", "metric")
    target = data.get("target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)):
        raise _refuse("Cible : un nombre.", "target")
    action_id = data.get("action_id")
    if action_id is not None and db.session.get(CorrectiveAction, action_id) is None:
        raise _refuse("Action introuvable.", "action_id")
    indicator = QualityIndicator(name=name, definition=definition[:validation.TEXT_MAX], source=source, metric=metric,
                                 target=target, unit=(validation.clean_text(data.get("unit")) or "")[:40],
                                 action_id=action_id)
    db.session.add(indicator)
    db.session.flush()
    audit.record(actor=actor, action="quality.indicator.create", object_type="quality_indicator",
                 object_id=indicator.id, summary=f"Indicateur créé : {name}")
    return indicator


@atomic()
def record_value(*, actor: User, indicator: QualityIndicator, value: Any, measured_on: Any) -> IndicatorValue:
    """A value entered by hand, with the date it was measured."""
    if indicator.source != "manual":
        raise ServiceError("invalid_transition", "Cet indicateur est calculé par Vigie.", status=409)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse("Valeur : un nombre.", "value")
    if not isinstance(measured_on, date) or measured_on > utcnow().date():
        raise _refuse("Date de mesure attendue (pas dans le futur).", "measured_on")
    row = IndicatorValue(indicator_id=indicator.id, value=float(value), measured_on=measured_on)
    db.session.add(row)
    db.session.flush()
    audit.record(actor=actor, action="quality.indicator.value", object_type="quality_indicator",
                 object_id=indicator.id, summary=f"{indicator.name} : {value:g} au {measured_on:%d/%m/%Y}")
    return row


def programme_settings() -> ProgrammeSettings:
    return db.session.scalar(sa.select(ProgrammeSettings).order_by(ProgrammeSettings.id).limit(1)) or \
        ProgrammeSettings(overdue_every_days=7)


@atomic()
def set_overdue_every_days(*, actor: User, days: Any) -> ProgrammeSettings:
    """How often (days) an overdue action's owner is reminded: the coordinator's setting, 1 to 90."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise _refuse("Entre 1 et 90 jours.", "overdue_every_days")
    row = programme_settings()
    if row.id is None:
        db.session.add(row)
    before = row.overdue_every_days
    row.overdue_every_days = days
    db.session.flush()
    audit.record(actor=actor, action="quality.settings.overdue", object_type="quality_programme_settings",
                 object_id=row.id, summary=f"Rappel des actions en retard : tous les {days} jours",
                 changes={"overdue_every_days": [before, days]})
    return row
