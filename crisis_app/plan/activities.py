"""Sensibilisation actions and preparation exercises of a year: planned, then done, with their participants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError

from crisis_app.core import audit
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.plan import figures
from crisis_app.plan.models import ActivityKind, PlanActivity
from crisis_app.plan.schemas import ActivitySchema


def for_year(year: int) -> list[PlanActivity]:
    return list(db.session.scalars(sa.select(PlanActivity).where(PlanActivity.year == year)
                                   .order_by(PlanActivity.planned_on.is_(None), PlanActivity.planned_on,
                                             PlanActivity.id)))


def as_dict(activity: PlanActivity) -> dict[str, Any]:
    return {"id": activity.id, "kind": activity.kind.value, "title": activity.title,
            "planned_on": activity.planned_on.isoformat() if activity.planned_on else None,
            "done_on": activity.done_on.isoformat() if activity.done_on else None,
            "participant_ids": list(activity.participant_ids or []), "notes": activity.notes}


def _clean(data: Mapping[str, Any]) -> dict:
    try:
        clean = ActivitySchema().load(dict(data))
    except ValidationError as exc:
        raise ServiceError("validation_error", "Action invalide : corrigez les champs signalés.",
                           fields={k: v if isinstance(v, list) else [str(v)] for k, v in exc.messages.items()}
                           ) from None
    if not clean["planned_on"] and not clean["done_on"]:
        raise ServiceError("validation_error", "Indiquez une date prévue ou la date de réalisation.",
                           field="planned_on")
    unknown = set(clean["participant_ids"]) - figures.existing_professionals(set(clean["participant_ids"]))
    if unknown:
        raise ServiceError("validation_error", "Un participant n'est pas dans l'annuaire.", field="participant_ids")
    clean["participant_ids"] = sorted(set(clean["participant_ids"]))
    clean["kind"] = ActivityKind(clean["kind"])
    return clean


@atomic()
def create_activity(*, actor: User | None, year: int, data: Mapping[str, Any]) -> PlanActivity:
    """Plan (or record) a sensibilisation action or an exercise of ``year``."""
    clean = _clean(data)
    activity = PlanActivity(year=year, **clean)
    db.session.add(activity)
    db.session.flush()
    audit.record(actor=actor, action="plan.activity.create", object_type="plan_activity", object_id=activity.id,
                 summary=f"{activity.kind.label} {year} : {activity.title}",
                 changes=audit.changes_between({}, as_dict(activity)))
    return activity


@atomic()
def update_activity(*, actor: User | None, activity: PlanActivity, data: Mapping[str, Any]) -> PlanActivity:
    """Change an activity: mark it done, add its participants."""
    clean = _clean(data)
    before = as_dict(activity)
    for key, value in clean.items():
        setattr(activity, key, value)
    if changes := audit.changes_between(before, as_dict(activity)):
        audit.record(actor=actor, action="plan.activity.update", object_type="plan_activity",
                     object_id=activity.id, summary=f"{activity.kind.label} modifiée : {activity.title}",
                     changes=changes)
    return activity
