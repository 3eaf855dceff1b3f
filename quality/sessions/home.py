"""Home card: the next session (participants and referents)."""

from __future__ import annotations

from flask import url_for

from crisis_app.core.db import utcnow
from crisis_app.core.home import Card, card_provider
from crisis_app.core.timez import paris_datetime
from quality.sessions import access as programme_access
from quality.sessions.vocab import SessionStatus


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

