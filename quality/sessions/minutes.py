"""The minutes of a session as a PDF (WeasyPrint): no declarer, no participant's name, screened texts only.

Participation is given as counts and professions; events as their anonymised agenda lines; every free text is
passed through the patient-data screen once more. The PDF is kept with the session and may be sent to the
participants as an outbox attachment.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.vocab import ActionStatus
from crisis_app.core import audit
from crisis_app.core import pdf as core_pdf
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.labels import label_of
from crisis_app.core.models import User
from quality import gate
from quality.sessions import messages as session_messages
from quality.sessions import services as sessions
from quality.sessions.models import QualitySession
from quality.sessions.vocab import SessionStatus, TraceurSetting


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
    found = sessions.agenda_sources(session)
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
        session=session, lines=sessions.agenda(session), actions=_actions(session),
        present=session.present_count, invited=len(session.participants),
        professions=sorted({p.profession for p in session.participants if p.attended and p.profession}),
        themes=[t.label for t in session.themes], summary=screened(session.summary),
        case_summary=screened(session.case_summary), conclusions=screened(session.conclusions), traceur=traceur,
        traceur_steps=steps, now=utcnow(), passed_sentence=gate.PASSED_SENTENCE)


def render_pdf(session: QualitySession) -> bytes:
    """The minutes as PDF bytes, through core's helper (nothing fetched from outside)."""
    return core_pdf.render_pdf(html(session))


@atomic()
def make(*, actor: User, session: QualitySession, send: bool = False) -> QualitySession:
    """Write the minutes of a held session, keep them, and optionally send them to the participants."""
    if session.status is not SessionStatus.HELD:
        raise ServiceError("invalid_transition", "Le compte rendu s'établit une fois la séance tenue.", status=409)
    gate.refuse("Le compte rendu", gate.check(sources(session)))
    pdf = render_pdf(session)
    session.minutes_pdf, session.minutes_at = pdf, utcnow()
    count = session_messages.send_minutes(session, pdf, author=actor).recipient_count if send else 0
    audit.record(actor=actor, action="quality.session.minutes", object_type=sessions.OBJECT, object_id=session.id,
                 summary=f"{session.reference} : compte rendu établi"
                         f"{', envoyé à ' + pluriel(count, 'participant', 'participants') if send else ''}")
    return session
