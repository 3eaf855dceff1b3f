"""The crisis mission's indicators for a year (ACI contract), read in this one module: plan written, plan updated
this year, professionals taking part in actions, actions done (the plan's exercises and sensibilisations, and the
exercises run in Vigie), post-crisis evaluations done.

Read-only: it only SELECTs. It lives in crises, above the plan, because it reads both the plan (crises may import
plan) and the crises' own tables (exercises closed, evaluations sent), which the plan, below crises, may not read.
Nothing registers anything here: each figure is one query.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from crisis_app.alerts.drills import services as drills
from crisis_app.core.db import db
from crisis_app.core.timez import PARIS
from crisis_app.crises.models import Crisis, Evaluation, EvaluationStatus
from crisis_app.plan import activities
from crisis_app.plan import services as plan_services
from crisis_app.plan.models import ActivityKind


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in Paris time, as the contract counts it."""
    return datetime(year, 1, 1, tzinfo=PARIS), datetime(year + 1, 1, 1, tzinfo=PARIS)


def exercises_closed(year: int) -> int:
    """Exercises run in Vigie and closed in ``year``: preparation exercises of the plan."""
    start, end = _year_bounds(year)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Crisis).where(
        Crisis.is_exercise.is_(True), Crisis.closed_at >= start, Crisis.closed_at < end)) or 0


def drills_launched(year: int) -> int:
    """Drills of the alert chain launched in ``year``: preparation exercises of the plan too."""
    return drills.launched_count(*_year_bounds(year))


def evaluations_sent(year: int) -> int:
    """Post-crisis evaluations sent in ``year``."""
    start, end = _year_bounds(year)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation).where(
        Evaluation.status == EvaluationStatus.SENT, Evaluation.sent_at >= start, Evaluation.sent_at < end)) or 0


def for_year(year: int) -> dict:
    """Plan written, updated this year, professionals named and taking part, actions done, evaluations done."""
    done = [a for a in activities.for_year(year) if a.done]
    plan = plan_services.published_plan(year)
    participants = {pid for a in done for pid in (a.participant_ids or [])}
    drills_done = drills_launched(year)
    return {
        "year": year,
        "plan_written": plan_services.published_plan() is not None,
        "updated_this_year": plan is not None,
        "professionals_in_plan": len(plan_services.people_ids(plan)) if plan else 0,
        "professionals_in_actions": len(participants),
        "exercises_done": sum(1 for a in done if a.kind is ActivityKind.EXERCISE) + exercises_closed(year)
        + drills_done,
        "drills_done": drills_done,
        "sensibilisations_done": sum(1 for a in done if a.kind is ActivityKind.SENSIBILISATION),
        "evaluations_done": evaluations_sent(year),
    }
