"""Helpers for part 2's tests: an event ready for a session, a scheduled CREX with reachable participants."""

from __future__ import annotations

from datetime import timedelta

from crisis_app.core.db import utcnow
from quality.action_followup import actions
from quality.register import services
from quality.sessions import services as sessions
from tests import factories
from tests.quality.conftest import declare


def event_for_crex(referent, declarer=None, *, anonymous: bool = False, **overrides):
    """A declared event the referent triaged to CREX."""
    event = declare(None if anonymous else declarer, anonymous=anonymous, **overrides).event
    return services.triage(actor=referent, event=event, severity=overrides.get("severity", 2), likelihood=3,
                           decision="crex")


def crex(referent, events=(), *, people: int = 3, invite: bool = False, days: int = 10, **overrides):
    professionals = [factories.reachable_professional(channels=("email",)) for _ in range(people)]
    data = {"kind": "crex", "starts_at": utcnow() + timedelta(days=days), "duration_minutes": 90,
            "place": "Maison de santé, salle 2", "professional_ids": [p.id for p in professionals],
            "user_ids": [referent.id], "event_ids": [e.id for e in events]}
    data.update(overrides)
    return sessions.schedule(actor=referent, data=data, invite=invite)


def action_for(referent, event, **overrides):
    data = {"title": "Double vérification des sorties d'hospitalisation", "action_type": "corrective",
            "source_type": "adverse_event", "source_id": event.id, "owner_user_id": referent.id,
            "due_on": utcnow().date() + timedelta(days=30)}
    data.update(overrides)
    return actions.create(actor=referent, data=data)


def started(session, *, hours: int = 2):
    """The session moved to have begun ``hours`` ago (a session is held once begun)."""
    import sqlalchemy as sa

    from crisis_app.core.db import db
    from quality.sessions.models import QualitySession

    db.session.execute(sa.update(QualitySession).where(QualitySession.id == session.id)
                       .values(starts_at=utcnow() - timedelta(hours=hours)))
    db.session.commit()
    db.session.refresh(session)
    return session


def minutes_made(session) -> bytes:
    """The minutes' PDF as the worker makes it for the session as it stands (core.documents)."""
    from crisis_app.core.db import db
    from crisis_app.core.documents.tasks import make_document
    from quality.sessions import minutes

    document = minutes.request_minutes(session, actor=None)
    db.session.commit()
    make_document(document.id)  # what the worker does
    db.session.refresh(document)
    return document.content
