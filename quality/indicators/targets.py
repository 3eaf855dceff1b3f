"""Targets per indicator and year: set (with its audit row), read for a year, and judged against a value.

An indicator is named by a key: ``quality.<figure>`` (the quality mission's contract indicators, below),
``mission.<figure>`` (the crisis mission's, named by the contract package), ``own.<id>`` (the CPTS's own).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import nombre
from crisis_app.core.models import User
from quality.indicators.models import IndicatorTarget

KEY = re.compile(r"^(quality|mission|own)\.[a-z0-9_]{1,50}$")

# the quality mission's indicators of the ACI contract: key, label, unit, where compute() holds the figure
QUALITY_INDICATORS = (
    ("quality.themes_addressed", "Nombre de thèmes abordés", "thèmes", ("contract", "themes_addressed")),
    ("quality.participants", "Professionnels participant aux groupes d'analyse", "professionnels",
     ("contract", "participants")),
    ("quality.action_plan_done_rate", "Plan d'actions réalisé", "%", ("contract", "action_plan_done_rate")),
    ("quality.patient_satisfaction", "Satisfaction des patients (réponses positives)", "%",
     ("contract", "patient_satisfaction")),
)


def own_key(indicator_id: int) -> str:
    return f"own.{indicator_id}"


def for_year(year: int) -> dict[str, IndicatorTarget]:
    """Every target of ``year``, by indicator key."""
    return {t.indicator: t for t in db.session.scalars(sa.select(IndicatorTarget).where(IndicatorTarget.year == year))}


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def label_of(key: str) -> str:
    """A French name for the audit trail when the caller gave none."""
    known = {k: label for k, label, *_ in QUALITY_INDICATORS}
    if key in known:
        return known[key]
    return f"indicateur propre n° {key[4:]}" if key.startswith("own.") else "indicateur de la mission crise"


def met(value: float | None, target: IndicatorTarget | None) -> bool | None:
    """Pure rule: reached when the value is at least the target; unknown without either."""
    if value is None or target is None:
        return None
    return float(value) >= target.value


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


@atomic()
def set_target(*, actor: User | None, indicator: str, year: Any, value: Any, conditions_variable: bool = False,
               label: str | None = None) -> IndicatorTarget:
    """Set (or change) an indicator's target of a year, and whether it conditions the variable part; ``label``
    names the indicator in the audit trail."""
    if not isinstance(indicator, str) or not KEY.match(indicator):
        raise _refuse("Indicateur inconnu.", "indicator")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise _refuse("Année entre 2000 et 2100.", "year")
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value > 10**9:
        raise _refuse("Cible : un nombre positif.", "value")
    row = db.session.scalar(sa.select(IndicatorTarget).where(IndicatorTarget.indicator == indicator,
                                                             IndicatorTarget.year == year))
    before = {} if row is None else {"target_value": _plain(row.value), "conditions_variable": row.conditions_variable}
    if row is None:
        row = IndicatorTarget(indicator=indicator, year=year)
        db.session.add(row)
    row.value, row.conditions_variable = float(value), bool(conditions_variable)
    db.session.flush()
    audit.record(actor=actor, action="quality.indicator.target", object_type="indicator_target", object_id=row.id,
                 summary=f"Cible {year} : {label or label_of(indicator)} — {nombre(value)}",
                 changes=audit.changes_between(before, {"target_value": _plain(row.value),
                                                        "conditions_variable": row.conditions_variable}))
    return row
