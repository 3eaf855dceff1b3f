"""The mission's indicators for a year (ACI contract), and the hook through which crises count evaluations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from crisis_app.plan import activities, services
from crisis_app.plan.models import ActivityKind

# Crises register ``fn(year) -> int`` (post-crisis evaluations done that year): plan may not import crises.
EvaluationCounter = Callable[[int], int]
_EVALUATION_COUNTERS: list[EvaluationCounter] = []

# The update of the year is "due" until the end of this month, "late" after it.
LATE_AFTER_MONTH = 6


def register_evaluation_counter(fn: EvaluationCounter) -> EvaluationCounter:
    """Add a counter of post-crisis evaluations done in a year (used as a decorator by crises)."""
    if fn not in _EVALUATION_COUNTERS:
        _EVALUATION_COUNTERS.append(fn)
    return fn


def evaluations_done(year: int) -> int:
    return sum(int(fn(year)) for fn in _EVALUATION_COUNTERS)


# Crises also register ``fn(year) -> int``: crisis exercises run in Vigie count as preparation exercises.
_EXERCISE_COUNTERS: list[EvaluationCounter] = []


def register_exercise_counter(fn: EvaluationCounter) -> EvaluationCounter:
    """Add a counter of exercises held in Vigie in a year (crisis exercises closed that year)."""
    if fn not in _EXERCISE_COUNTERS:
        _EXERCISE_COUNTERS.append(fn)
    return fn


def exercises_run_in_vigie(year: int) -> int:
    return sum(int(fn(year)) for fn in _EXERCISE_COUNTERS)


def update_status(*, today: date, published_years: set[int]) -> str:
    """Pure rule: "ok" when this year's version is published, else "due" until the end of
    LATE_AFTER_MONTH, then "late"."""
    if today.year in published_years:
        return "ok"
    return "due" if today.month <= LATE_AFTER_MONTH else "late"


def for_year(year: int) -> dict:
    """Plan written, updated this year, professionals taking part, actions done, evaluations done."""
    done = [a for a in activities.for_year(year) if a.done]
    plan = services.published_plan(year)
    participants = {pid for a in done for pid in (a.participant_ids or [])}
    return {
        "year": year,
        "plan_written": services.published_plan() is not None,
        "updated_this_year": plan is not None,
        "professionals_in_plan": len(services.people_ids(plan)) if plan else 0,
        "professionals_in_actions": len(participants),
        "exercises_done": sum(1 for a in done if a.kind is ActivityKind.EXERCISE) + exercises_run_in_vigie(year),
        "sensibilisations_done": sum(1 for a in done if a.kind is ActivityKind.SENSIBILISATION),
        "evaluations_done": evaluations_done(year),
    }
