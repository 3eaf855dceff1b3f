"""Home cards: the next session (participants and referents), late actions (quality referents)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from crisis_app.core.db import db, utcnow
from crisis_app.core.home import Card, card_provider
from crisis_app.core.timez import paris_datetime
from quality import programme_access
from quality.models_actions import CorrectiveAction
from quality.vocab_sessions import ActionStatus, SessionStatus


@card_provider("quality.sessions.read", order=31)
def _next_session_card(user):
    rows, _ = programme_access.sessions_for_user(user, limit=100)
    upcoming = sorted((s for s in rows if s.status is SessionStatus.SCHEDULED and s.starts_at > utcnow()),
                      key=lambda s: s.starts_at)
    if not upcoming:
        return
    first = upcoming[0]
    yield Card(title="Prochaine séance qualité", value=paris_datetime(first.starts_at, "%d/%m à %H:%M"),
               tone="neutral", detail=f"{first.title} — {first.place or 'visioconférence'}",
               url=url_for("quality_programme.session_page", session_id=first.id), action="Voir la séance")


@card_provider("quality.manage", order=8)
def _late_actions_card(user):
    late = db.session.scalar(sa.select(sa.func.count()).select_from(CorrectiveAction).where(
        CorrectiveAction.status.in_((ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)),
        CorrectiveAction.due_on < utcnow().date())) or 0
    yield Card(title="Actions qualité en retard", value=str(late), tone="warn" if late else "ok",
               detail="Actions correctives dont l'échéance est passée." if late else "Aucune action en retard.",
               url=url_for("quality_programme.actions_list"), action="Suivre les actions")
