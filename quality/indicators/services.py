"""The programme's figures for one year: the three contract indicators, the dashboard's series, own indicators;
creating an own indicator and entering its values by hand (each with its audit row).

Years are civil years in Europe/Paris. A participant is counted once however many sessions they attended
(a directory person, else an account); themes are those of the sessions held; the action plan carried out is the
share of the year's actions (by due date) that are done or verified.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from crisis_app.actionplan import services as action_plan
from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.labels import label_of, labels
from crisis_app.core.models import User
from crisis_app.core.timez import to_paris
from quality import validation
from quality.indicators import aggregates as sql
from quality.indicators import targets
from quality.indicators import vocab as words
from quality.indicators.models import IndicatorValue, QualityIndicator
from quality.pacte import services as pacte
from quality.register import vocab
from quality.register.models import AdverseEvent
from quality.sessions import discussion
from quality.sessions.vocab import ANALYSIS_GROUP_KINDS, SessionKind
from quality.surveys import services as surveys


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return sql.year_bounds(year)


def _actions(year: int, today: date) -> dict[str, int]:
    """The action plan of the year, every source counted (EIAS, sessions, patient traceurs, crisis RETEX…)."""
    return action_plan.year_figures(year, today)


def compute(year: int, *, today: date | None = None) -> dict:
    """The year's figures, each an SQL aggregate (quality.indicators.aggregates)."""
    today = today or utcnow().date()
    themes, people = sql.themes(year), sql.participants(year)
    held = sql.sessions_held_by_kind(year)
    by_severity = sql.events_by(AdverseEvent.severity, year)
    actions = _actions(year, today)
    figures = {
        "year": year,
        "contract": {"themes_addressed": len(themes), "participants": people,
                     "action_plan_done_rate": actions["done_rate"]},
        "themes": themes, "participants": people,
        "sessions_held": {k.label: held.get(k.value, 0) for k in SessionKind},
        "events_by_category": {label_of(vocab.Category, c): n
                               for c, n in sql.events_by(AdverseEvent.category, year).items()},
        "events_by_severity": {vocab.Severity(g).label: by_severity.get(g, 0) for g in range(1, 6)},
        "events_by_month": sql.events_by_month(year),
        "triage_days_median": sql.triage_days_median(year),
        "actions": actions,
        # who the contract indicator counts, per profession, and from which kinds of session
        "participants_by_profession": discussion.participants_by_profession(year),
        "participant_kinds": [k.label for k in ANALYSIS_GROUP_KINDS],
        "satisfaction": surveys.satisfaction_of_year(year),
        "satisfaction_by_month": surveys.satisfaction_by_month(year),
        "pacte": pacte.programme_figures(),
    }
    figures["contract"]["patient_satisfaction"] = figures["satisfaction"]["positive_pct"]
    figures["own_indicators"] = own_indicators(year, figures)
    return figures


METRIC_VALUES = {
    "themes_addressed": lambda f: f["contract"]["themes_addressed"],
    "participants": lambda f: f["participants"],
    "sessions_held": lambda f: sum(f["sessions_held"].values()),
    "actions_done_rate": lambda f: f["actions"]["done_rate"],
    "actions_verified": lambda f: f["actions"]["verified"],
    "events_declared": lambda f: sum(f["events_by_month"]),
}


def own_indicators(year: int, figures: dict) -> list[dict]:
    """The CPTS's own indicators with this year's value and whether the target is met."""
    rows, year_targets = [], targets.for_year(year)
    for indicator in db.session.scalars(sa.select(QualityIndicator).order_by(QualityIndicator.name)):
        target = year_targets.get(targets.own_key(indicator.id))
        if indicator.source == "computed":
            value, measured_on = METRIC_VALUES[indicator.metric](figures), None
        else:
            values = [v for v in indicator.values if v.measured_on.year == year]
            value, measured_on = (values[-1].value, values[-1].measured_on) if values else (None, None)
        rows.append({"id": indicator.id, "name": indicator.name, "definition": indicator.definition,
                     "unit": indicator.unit, "target": target.value if target else None, "value": value,
                     "source": indicator.source, "conditions_variable": bool(target and target.conditions_variable),
                     "measured_on": measured_on.isoformat() if measured_on else None,
                     "met": targets.met(value, target),
                     "action_id": indicator.action_id})
    return rows


CONTRACT_HEADER = ["Année", "Indicateur", "Valeur", "Unité"]


def contract_rows(figures: dict) -> list[list]:
    """The three indicators of the ACI contract, as the Assurance Maladie report asks them."""
    year, contract = figures["year"], figures["contract"]
    return [[year, "Nombre de thèmes abordés", contract["themes_addressed"], "thèmes"],
            [year, "Nombre de professionnels participant aux groupes d'analyse", contract["participants"],
             "professionnels"],
            [year, "Plan d'actions réalisé", contract["action_plan_done_rate"], "% des actions échues dans l'année"]]


# --- own indicators --------------------------------------------------------------------------------

def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


@atomic()
def create_indicator(*, actor: User, data: dict[str, Any]) -> QualityIndicator:
    """An indicator: name, definition, target, unit, source (computed metric or manual), the action it follows."""
    name, definition = validation.clean_text(data.get("name")), validation.clean_text(data.get("definition"))
    if not name or len(name) > 200:
        raise _refuse("Nommez l'indicateur (200 caractères au plus).", "name")
    if not definition:
        raise _refuse("Définissez l'indicateur (numérateur, dénominateur, période).", "definition")
    source = data.get("source")
    if source not in labels(words.IndicatorSource):
        raise _refuse("Source : calculé par Vigie ou saisi à la main.", "source")
    metric = data.get("metric") if source == "computed" else None
    if source == "computed" and metric not in labels(words.ComputedMetric):
        raise _refuse("Choisissez la mesure que Vigie calcule.", "metric")
    target = data.get("target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)):
        raise _refuse("Cible : un nombre.", "target")
    action_id = data.get("action_id")
    if action_id is not None and db.session.get(CorrectiveAction, action_id) is None:
        raise _refuse("Action introuvable.", "action_id")
    indicator = QualityIndicator(name=name, definition=definition[:validation.TEXT_MAX], source=source, metric=metric,
                                 unit=(validation.clean_text(data.get("unit")) or "")[:40],
                                 action_id=action_id)
    db.session.add(indicator)
    db.session.flush()
    if target is not None:  # the target given with the indicator is this year's
        targets.set_target(actor=actor, indicator=targets.own_key(indicator.id), year=to_paris(utcnow()).year,
                           value=target)
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
