"""Home card: late actions (quality referents)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.vocab import ActionStatus
from crisis_app.core.db import db, utcnow
from crisis_app.core.home import Card, card_provider


@card_provider("quality.manage", order=8)
def _late_actions_card(user):
    late = db.session.scalar(sa.select(sa.func.count()).select_from(CorrectiveAction).where(
        CorrectiveAction.status.in_((ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)),
        CorrectiveAction.due_on < utcnow().date())) or 0
    yield Card(title="Actions qualité en retard", value=str(late), tone="warn" if late else "ok",
               detail="Actions correctives dont l'échéance est passée." if late else "Aucune action en retard.",
               url=url_for("quality_programme.actions_list"), action="Suivre les actions")
