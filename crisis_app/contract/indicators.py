"""Each indicator of both missions against its target of the year: the quality mission's contract indicators
(quality.indicators), the crisis mission's (crises.mission) and the CPTS's own; which ones condition the variable
part. Read-only."""

from __future__ import annotations

from crisis_app.core.formats import nombre
from crisis_app.crises import mission
from quality.indicators import services as quality
from quality.indicators import targets

YES_NO = "oui = 1"  # a yes-or-no indicator: its target is 1 (oui), shown as « oui » / « non »

# the crisis mission's indicators: key, label, unit, its value in crises.mission.for_year's figures
MISSION_INDICATORS = (
    ("mission.plan_written", "Plan d'action rédigé", YES_NO, lambda f: int(f["plan_written"])),
    ("mission.plan_updated", "Plan mis à jour dans l'année", YES_NO, lambda f: int(f["updated_this_year"])),
    ("mission.professionals_in_actions", "Professionnels ayant participé aux actions", "professionnels",
     lambda f: f["professionals_in_actions"]),
    ("mission.actions_done", "Actions réalisées (exercices et sensibilisations)", "actions",
     lambda f: f["exercises_done"] + f["sensibilisations_done"]),
    ("mission.evaluations_done", "Évaluations post-crise réalisées", "évaluations", lambda f: f["evaluations_done"]),
)
KEYS = {key for key, *_ in MISSION_INDICATORS} | {key for key, *_ in targets.QUALITY_INDICATORS}


def _row(key: str, mission_label: str, label: str, unit: str, value, year_targets: dict) -> dict:
    target = year_targets.get(key)
    if value is None:
        shown = "non mesuré"
    elif unit == YES_NO:
        shown = "oui" if value else "non"
    else:
        shown = f"{nombre(value)} {unit}"
    return {"key": key, "mission": mission_label, "label": label, "unit": unit, "value": value, "shown": shown,
            "target": target.value if target else None,
            "conditions_variable": bool(target and target.conditions_variable), "met": targets.met(value, target)}


def rows_for(year: int, *, quality_figures: dict | None = None, mission_figures: dict | None = None) -> list[dict]:
    """Every indicator of the year with its value, its target, whether it is met and conditions the variable."""
    year_targets = targets.for_year(year)
    crisis = mission_figures or mission.for_year(year)
    figures = quality_figures or quality.compute(year)
    rows = [_row(key, "Crises sanitaires graves", label, unit, value_of(crisis), year_targets)
            for key, label, unit, value_of in MISSION_INDICATORS]
    rows += [_row(key, "Qualité et pertinence des soins", label, unit, figures[part][name], year_targets)
             for key, label, unit, (part, name) in targets.QUALITY_INDICATORS]
    rows += [_row(targets.own_key(own["id"]), "Indicateurs propres", own["name"], own["unit"], own["value"],
                  year_targets) for own in figures["own_indicators"]]
    return rows


def label_of(key: str) -> str:
    names = {k: label for k, label, *_ in MISSION_INDICATORS}
    return names.get(key) or targets.label_of(key)


def is_known(key: str) -> bool:
    return key in KEYS or key.startswith("own.")
