"""The minutes of a session as a PDF (WeasyPrint): no declarer, no participant's name, screened texts only.

Participation is given as counts and professions; events as their anonymised agenda lines; every free text is
passed through the patient-data screen once more. The PDF is a core.documents document: made by a worker, kept
until what it prints changes; sending it to the participants is a task that gets that kept PDF (making it if need
be) and writes one outbox message with it attached.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.vocab import ActionStatus
from crisis_app.core import audit, documents
from crisis_app.core import pdf as core_pdf
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.documents.models import DocumentStatus
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.labels import label_of
from crisis_app.core.models import User
from quality import gate
from quality.register.models import AdverseEvent
from quality.sessions import access
from quality.sessions import agenda as session_agenda
from quality.sessions import messages as session_messages
from quality.sessions import services as sessions
from quality.sessions.models import QualitySession
from quality.sessions.vocab import SessionStatus, TraceurSetting

log = logging.getLogger(__name__)
MINUTES = "session_minutes"


def followed_actions(session: QualitySession) -> list[CorrectiveAction]:
    """The actions a session follows: those of its agenda's events, and every earlier one not yet verified."""
    ids = [i.event_id for i in session.items]
    clause = CorrectiveAction.status != ActionStatus.VERIFIED
    if ids:
        clause = sa.or_(clause, CorrectiveAction.event_id.in_(ids))
    return list(db.session.scalars(sa.select(CorrectiveAction).where(clause)
                                   .order_by(CorrectiveAction.due_on, CorrectiveAction.id)))


def _actions(session: QualitySession) -> list[dict]:
    return [{"title": session_messages.screened(a.title), "type": a.type_label,
             "due": f"{a.due_on:%d/%m/%Y}" if a.due_on else "—", "status": a.status_label}
            for a in followed_actions(session)]


def sources(session: QualitySession) -> list[gate.Source]:
    """Every text the minutes print."""
    found = session_agenda.agenda_sources(session)
    found += [gate.Source(f"Action n° {a.id}", a.title, session_id=session.id) for a in followed_actions(session)]
    found += [gate.Source("Thème", t.label, session_id=session.id) for t in session.themes]
    found.append(gate.Source("Synthèse de la séance", session.summary, session_id=session.id))
    found += [gate.Source("Cas discuté", session.case_summary, session_id=session.id),
              gate.Source("Conclusions", session.conclusions, session_id=session.id)]
    if session.traceur:
        found.append(gate.Source("Patient traceur — étiquette", session.traceur.label, session_id=session.id))
        for n, step in enumerate(session.traceur.steps, 1):
            found += [gate.Source(f"Patient traceur — étape {n}", step.description, session_id=session.id),
                      gate.Source(f"Patient traceur — écart {n}", step.gap, session_id=session.id)]
    return found


def html(session: QualitySession) -> str:
    screened = session_messages.screened
    traceur = session.traceur
    steps = [{"when": s.when or "", "setting": label_of(TraceurSetting, s.setting),
              "description": screened(s.description), "gap": screened(s.gap)} for s in (traceur.steps if traceur
                                                                                          else [])]
    # the environment's template, not render_template: a beat or a worker has no request, no signed-in user
    return current_app.jinja_env.get_template("quality/pdf/minutes.html").render(
        session=session, lines=session_agenda.agenda(session), actions=_actions(session),
        present=session.present_count, invited=len(session.participants),
        professions=sorted({p.profession for p in session.participants if p.attended and p.profession}),
        themes=[t.label for t in session.themes], summary=screened(session.summary),
        case_summary=screened(session.case_summary), conclusions=screened(session.conclusions), traceur=traceur,
        traceur_steps=steps, now=utcnow(), passed_sentence=gate.PASSED_SENTENCE)


def render_pdf(session: QualitySession) -> bytes:
    """The minutes as PDF bytes, through core's helper (nothing fetched from outside)."""
    return core_pdf.render_pdf(html(session))


# --- the PDF made by a worker and kept until what it prints changes (core.documents) ----------------------------

def fingerprint(session: QualitySession) -> str:
    """What the minutes print, read from the rows (no PDF, no screen): the session (not when it was sent), its
    agenda's events, the actions it follows, themes, the patient traceur, who attended in which profession."""
    row = {c.key: getattr(session, c.key) for c in QualitySession.__table__.columns if c.key != "minutes_sent_at"}
    ids = [i.event_id for i in session.items]
    events = list(db.session.scalars(sa.select(AdverseEvent).where(AdverseEvent.id.in_(ids))
                                     .order_by(AdverseEvent.id))) if ids else []
    traceur = session.traceur
    return documents.fingerprint(row, *session.items, *events,
                                 *followed_actions(session), [t.label for t in session.themes],
                                 *([traceur, *traceur.steps] if traceur else []),
                                 [(p.id, p.attended, p.profession) for p in session.participants])


def request_minutes(session: QualitySession, *, actor: User | None):
    """The kept minutes of the session as it stands, else a document a worker starts making."""
    return documents.request(kind=MINUTES, key=str(session.id), fingerprint=fingerprint(session), actor=actor)


def _established(key: str) -> QualitySession:
    session = db.session.get(QualitySession, int(key)) if key.isdigit() else None
    if session is None or session.minutes_at is None:
        raise ServiceError("not_found", "Le compte rendu de cette séance n'est pas établi : il ne peut pas être "
                                        "fabriqué.")
    return session


@documents.maker(MINUTES, may_read=lambda user, key: key.isdigit() and access.may_read(user, int(key)),
                 filename=lambda key: f"compte-rendu-{key}.pdf", title="Compte rendu de séance en PDF")
def make_pdf(key: str, progress) -> bytes:
    session = _established(key)
    blockers = gate.check(sources(session))
    if blockers:  # checked again here: a text may have changed since the minutes were established
        raise ServiceError("blocked", f"Le filtre trouve {blockers[0].sentence} : caviardez-le avant de produire le "
                                      "compte rendu.")
    progress(40)
    return render_pdf(session)


@atomic()
def make(*, actor: User, session: QualitySession, send: bool = False) -> QualitySession:
    """Establish the minutes of a held session: a worker makes their PDF (kept until the session changes); with
    ``send``, a task sends them to the participants once that PDF is made."""
    if session.status is not SessionStatus.HELD:
        raise ServiceError("invalid_transition", "Le compte rendu s'établit une fois la séance tenue.", status=409)
    gate.refuse("Le compte rendu", gate.check(sources(session)))
    session.minutes_at = utcnow()
    db.session.flush()
    request_minutes(session, actor=actor)
    if send:
        session_id, actor_id = session.id, actor.id
        db.session().on_commit(lambda: _enqueue_send(session_id, actor_id))
    audit.record(actor=actor, action="quality.session.minutes", object_type=sessions.OBJECT, object_id=session.id,
                 summary=f"{session.reference} : compte rendu établi"
                         f"{', envoi aux participants demandé' if send else ''}")
    return session


def _enqueue_send(session_id: int, actor_id: int) -> None:
    from quality.sessions.tasks import send_minutes

    try:
        send_minutes.delay(session_id, actor_id)
    except Exception:  # noqa: BLE001 - the broker is down: the page's "envoyer" can be asked again
        log.exception("could not enqueue the sending of the minutes of session %s", session_id)


def send(*, session_id: int, actor_id: int | None) -> str:
    """The worker's part of sending the minutes: the kept PDF (made here if no worker has it yet), then one message
    to the participants; "waiting" while another worker is making the PDF, "sent" once (a guarded UPDATE on
    ``minutes_sent_at`` decides, so a task delivered twice sends once), "failed" or "gone" otherwise."""
    with atomic():
        session = db.session.get(QualitySession, session_id)
        if session is None or session.minutes_at is None:
            return "gone"
        document = request_minutes(session, actor=None)
    if document.status in (DocumentStatus.QUEUED, DocumentStatus.RUNNING):
        documents.run(document_id=document.id)
        db.session.refresh(document)
    if document.status is not DocumentStatus.READY:
        if document.status is DocumentStatus.FAILED:
            log.warning("minutes of session %s not sent: %s", session_id, document.error)
        return "failed" if document.status is DocumentStatus.FAILED else "waiting"
    with atomic():
        claimed = db.session.execute(sa.update(QualitySession).where(
            QualitySession.id == session_id, QualitySession.minutes_at.is_not(None),
            sa.or_(QualitySession.minutes_sent_at.is_(None),
                   QualitySession.minutes_sent_at < QualitySession.minutes_at))
            .values(minutes_sent_at=utcnow()).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            return "sent"
        session = db.session.get(QualitySession, session_id)
        actor = db.session.get(User, actor_id) if actor_id else None
        count = session_messages.send_minutes(session, document.content, author=actor).recipient_count
        audit.record(actor=actor, action="quality.session.minutes_sent", object_type=sessions.OBJECT,
                     object_id=session.id, summary=f"{session.reference} : compte rendu envoyé à "
                                                   f"{pluriel(count, 'participant', 'participants')}")
    return "sent"
