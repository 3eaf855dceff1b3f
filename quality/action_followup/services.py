"""What the quality programme keeps about its actions besides the actions themselves: the coordinator's reminder
period for overdue actions; and the one access helper its pages and API use to load an action."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort

from crisis_app.actionplan.models import ActionPlanSettings, CorrectiveAction
from crisis_app.core import audit
from crisis_app.core.access import require
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User


def get_action(action_id: int) -> CorrectiveAction:
    require("quality.manage")
    row = db.session.get(CorrectiveAction, action_id) if 0 < action_id < 2**31 else None
    return row if row is not None else abort(404)


def programme_settings() -> ActionPlanSettings:
    return db.session.scalar(sa.select(ActionPlanSettings).order_by(ActionPlanSettings.id).limit(1)) or \
        ActionPlanSettings(overdue_every_days=7)


@atomic()
def set_overdue_every_days(*, actor: User, days: Any) -> ActionPlanSettings:
    """How often (days) an overdue action's owner is reminded: the coordinator's setting, 1 to 90."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 90:
        raise ServiceError("validation_error", "Entre 1 et 90 jours.", field="overdue_every_days")
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
