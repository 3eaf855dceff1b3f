"""A session's anonymised agenda: its lines and the texts they print, sent once to the participants a week ahead
(a beat), with its audit row; blocked while the patient-data screen finds a passage to redact."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.formats import pluriel
from quality import gate
from quality.register.models import AdverseEvent
from quality.sessions import messages as session_messages
from quality.sessions.models import QualitySession
from quality.sessions.services import OBJECT
from quality.sessions.vocab import SessionStatus

AGENDA_AHEAD = timedelta(days=7)


def agenda(session: QualitySession) -> list[dict]:
    """The anonymised agenda lines of a session."""
    ids = [i.event_id for i in session.items]
    events = {e.id: e for e in db.session.scalars(sa.select(AdverseEvent).where(AdverseEvent.id.in_(ids)))}
    return session_messages.agenda_lines(session, events)


def agenda_sources(session: QualitySession) -> list[gate.Source]:
    """The texts the agenda prints: the session's title and place, each event's description."""
    sources = [gate.Source("Séance — titre", session.title, session_id=session.id),
               gate.Source("Séance — lieu", session.place, session_id=session.id)]
    ids = [i.event_id for i in session.items]
    for event in db.session.scalars(sa.select(AdverseEvent).where(AdverseEvent.id.in_(ids))
                                    .order_by(AdverseEvent.id)) if ids else []:
        sources.append(gate.Source(f"{event.reference} — récit", event.description, event_id=event.id))
    return sources


@atomic()
def send_agenda(*, session_id: int) -> bool:
    """Send the anonymised agenda once: the guarded UPDATE on ``agenda_sent_at`` decides, not a prior read."""
    now = utcnow()
    if gate.check(agenda_sources(db.session.get(QualitySession, session_id))):
        return False  # blocked: the session's page shows what to redact; the next beat tries again
    claimed = db.session.execute(sa.update(QualitySession).where(
        QualitySession.id == session_id, QualitySession.agenda_sent_at.is_(None),
        QualitySession.status == SessionStatus.SCHEDULED).values(agenda_sent_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return False
    session = db.session.get(QualitySession, session_id)
    db.session.refresh(session)
    message = session_messages.send_agenda(session, agenda(session))
    audit.record(actor=None, action="quality.session.agenda", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} : ordre du jour anonymisé envoyé "
                         f"({pluriel(message.recipient_count, 'destinataire', 'destinataires')})")
    return True


def agendas_due(*, now: datetime | None = None) -> int:
    """One beat: each planned session starting within a week gets its agenda, once; returns how many were sent."""
    now = now or utcnow()
    ids = list(db.session.scalars(sa.select(QualitySession.id).where(
        QualitySession.status == SessionStatus.SCHEDULED, QualitySession.agenda_sent_at.is_(None),
        QualitySession.starts_at > now, QualitySession.starts_at <= now + AGENDA_AHEAD)))
    return sum(send_agenda(session_id=i) for i in ids)
