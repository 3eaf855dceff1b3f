"""Sessions: schedule, change, cancel, invite, take attendance, decide per event, hold (the agenda sent a week
ahead: quality.sessions.agenda).

Every change joins the caller's unit of work with its audit row; the messages it sends are outbox rows of the same
transaction, so an invitation leaves if and only if the change it announces is saved.
Status: scheduled → held | cancelled.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.singleline import MESSAGE as SINGLE_LINE
from crisis_app.core.singleline import is_single_line
from crisis_app.core.timez import paris_date, paris_datetime
from crisis_app.directory.professionals.models import Professional
from quality import validation
from quality.analyses.models import Analysis
from quality.register import closure, eventflow
from quality.register.models import AdverseEvent
from quality.register.vocab import State
from quality.sessions import messages as session_messages
from quality.sessions.calendar import PARIS
from quality.sessions.discussion import participants_by_profession  # noqa: F401 - the indicators read it here
from quality.sessions.models import QualitySession, QualityTheme, SessionItem, SessionParticipant
from quality.sessions.vocab import Decision, SessionKind, SessionStatus

OBJECT = "quality_session"
# Events a session may take up: decided for analysis, or already on a road of analysis.
AGENDA_STATES = (State.CREX, State.RMM, State.EIGS, State.PLANIFIE, State.EN_ANALYSE, State.PRESENTE,
                 State.PLAN_VALIDE, State.ACTIONS_EN_COURS, State.ACTIONS_REALISEES, State.EFFICACITE_VERIFIEE,
                 State.TRAITEMENT_SIMPLE)
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "place", "video_url", "title")


def _refuse(message: str, **fields: str) -> ServiceError:
    return ServiceError("validation_error", message, fields={k: [v] for k, v in fields.items()})


def clean_ids(value: Any, field: str) -> list[int]:
    """Distinct database ids from a list, in order; 422 on ``field`` for anything else."""
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                      and 0 < v < 2**31 for v in value):
        raise _refuse("Liste d'identifiants invalide.", **{field: "Liste d'identifiants invalide."})
    return list(dict.fromkeys(value))


def rows_by_id(model, ids: list[int], field: str, what: str) -> list:
    """The rows of ``model`` with ``ids``, in that order; 422 on ``field`` when one is missing."""
    rows = list(db.session.scalars(sa.select(model).where(model.id.in_(ids)))) if ids else []
    if len(rows) != len(ids):
        raise _refuse(f"{what} introuvable.", **{field: f"{what} introuvable."})
    by_id = {r.id: r for r in rows}
    return [by_id[i] for i in ids]


def _starts_at(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise _refuse("Indiquez la date et l'heure de la séance.", starts_at="Date et heure attendues.")
    if value.tzinfo is None:  # a time typed in the form is a Paris time
        value = value.replace(tzinfo=PARIS)
    return value.astimezone(UTC).replace(second=0, microsecond=0)


def _clean(data: dict[str, Any], *, session: QualitySession | None) -> dict[str, Any]:
    """The session's values ready to store (only those given when ``session`` exists), or 422."""
    values: dict[str, Any] = {}
    if session is None or "kind" in data:
        try:
            values["kind"] = SessionKind(data.get("kind"))
        except ValueError:
            raise _refuse("Choisissez le type de séance.", kind="Type de séance inconnu.") from None
    if session is None or "starts_at" in data:
        values["starts_at"] = _starts_at(data.get("starts_at"))
        if values["starts_at"] < utcnow() - timedelta(days=1) and session is None:
            raise _refuse("La séance ne peut pas être planifiée dans le passé.", starts_at="Date passée.")
    if "duration_minutes" in data or session is None:
        duration = data.get("duration_minutes", 90)
        if isinstance(duration, bool) or not isinstance(duration, int) or not 15 <= duration <= 480:
            raise _refuse("Durée entre 15 et 480 minutes.", duration_minutes="Durée entre 15 et 480 minutes.")
        values["duration_minutes"] = duration
    for name, limit in (("title", 200), ("place", 300), ("video_url", 500)):
        if name in data:
            text = validation.clean_text(data.get(name))
            if text and len(text) > limit:
                raise _refuse(f"Au plus {limit} caractères.", **{name: f"Au plus {limit} caractères."})
            if not is_single_line(text):
                raise _refuse(SINGLE_LINE, **{name: SINGLE_LINE})
            values[name] = text
    video = values.get("video_url")
    if video and not video.startswith(("https://", "http://")):
        raise _refuse("Le lien de visioconférence commence par https://.", video_url="Lien https:// attendu.")
    place, video = (values.get("place", session.place if session else None),
                    values.get("video_url", session.video_url if session else None))
    if not place and not video:
        raise _refuse("Indiquez un lieu ou un lien de visioconférence.", place="Lieu ou visioconférence requis.")
    validation.refuse_patient_data({k: values.get(k) for k in ("title", "place", "video_url")})
    if "lead_user_id" in data:
        lead = db.session.get(User, data["lead_user_id"]) if isinstance(data["lead_user_id"], int) else None
        if data["lead_user_id"] is not None and (lead is None or not lead.active):
            raise _refuse("Animateur introuvable.", lead_user_id="Compte introuvable ou désactivé.")
        values["lead_user_id"] = lead.id if lead else None
    return values


def _default_title(kind: SessionKind, starts_at: datetime) -> str:
    return f"{kind.label} du {paris_date(starts_at)}"


def _set_people(session: QualitySession, data: dict[str, Any]) -> None:
    """Replace the participants with the directory people and accounts named (attendance kept for those kept)."""
    if "professional_ids" not in data and "user_ids" not in data:
        return
    people = rows_by_id(Professional, clean_ids(data.get("professional_ids"), "professional_ids"), "professional_ids",
                   "Professionnel")
    users = rows_by_id(User, clean_ids(data.get("user_ids"), "user_ids"), "user_ids", "Compte")
    kept = {p.person_key: p for p in session.participants}
    wanted: list[SessionParticipant] = []
    for person in people:
        wanted.append(kept.get(f"p{person.id}") or SessionParticipant(
            professional_id=person.id, professional=person, name=person.display_name, profession=person.profession))
    linked = {p.user_id for p in people if p.user_id}
    for user in users:
        if user.id not in linked:
            wanted.append(kept.get(f"u{user.id}") or SessionParticipant(user_id=user.id, user=user,
                                                                        name=user.full_name))
    session.participants = wanted


def _set_agenda(session: QualitySession, data: dict[str, Any]) -> None:
    if "event_ids" not in data:
        return
    events = rows_by_id(AdverseEvent, clean_ids(data.get("event_ids"), "event_ids"), "event_ids", "Événement")
    refused = [e.reference for e in events if e.state not in AGENDA_STATES]
    if refused:
        raise _refuse(f"Pas encore orienté vers une séance : {', '.join(refused)}.",
                      event_ids="Seuls les événements orientés en CREX, RMM ou EIGS (ou déjà en analyse) "
                                "peuvent être inscrits.")
    kept = {i.event_id: i for i in session.items}
    session.items = [kept.get(e.id) or SessionItem(event_id=e.id) for e in events]
    for position, item in enumerate(session.items):
        item.position = position


def _set_themes(session: QualitySession, data: dict[str, Any]) -> None:
    if "theme_ids" in data:
        session.themes = rows_by_id(QualityTheme, clean_ids(data.get("theme_ids"), "theme_ids"), "theme_ids", "Thème")


def _require_theme(session: QualitySession) -> None:
    """A practice-analysis group works on a theme (plaies chroniques, HTA…): the indicator counts themes addressed."""
    if session.kind is SessionKind.PRACTICE_GROUP and not session.themes:
        raise _refuse("Choisissez le thème du groupe d'analyse des pratiques.", theme_ids="Thème requis.")


def _plan_events(session: QualitySession, actor: User) -> None:
    for item in session.items:
        event = db.session.get(AdverseEvent, item.event_id)
        if event.state in (State.CREX, State.RMM, State.EIGS):
            eventflow.advance(event, State.PLANIFIE, actor=actor, reason=f"Inscrit à : {session.title}")


@atomic()
def schedule(*, actor: User, data: dict[str, Any], invite: bool = False) -> QualitySession:
    """Plan a session (kind, date, duration, place or video link, lead, participants, agenda, themes)."""
    values = _clean(data, session=None)
    values.setdefault("lead_user_id", actor.id)
    values["title"] = values.get("title") or _default_title(values["kind"], values["starts_at"])
    session = QualitySession(**values, uid=f"{uuid.uuid4()}@vigie-qualite", status=SessionStatus.SCHEDULED)
    db.session.add(session)
    _set_people(session, data)
    _set_agenda(session, data)
    _set_themes(session, data)
    _require_theme(session)
    db.session.flush()
    _plan_events(session, actor)
    audit.record(actor=actor, action="quality.session.schedule", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} planifiée le {paris_datetime(session.starts_at)} "
                         f"({pluriel(len(session.participants), 'participant', 'participants')}, "
                         f"{pluriel(len(session.items), 'événement', 'événements')})")
    if invite:
        _invite(session, actor)
    return session


def _require_scheduled(session: QualitySession, doing: str) -> None:
    if session.status is not SessionStatus.SCHEDULED:
        raise ServiceError("invalid_transition", f"{session.reference} est « {session.status.label} » : "
                           f"impossible de {doing}.", status=409)


def _invite(session: QualitySession, actor: User) -> None:
    if not session.participants:
        raise _refuse("Ajoutez des participants avant d'inviter.", professional_ids="Aucun participant.")
    kind = "update" if session.invited_at else "invite"
    if session.invited_at:
        session.sequence += 1
    session.invited_at = utcnow()
    message = session_messages.send_calendar(session, kind=kind, author=actor)
    audit.record(actor=actor, action=f"quality.session.{kind}", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} : invitation{' mise à jour' if kind == 'update' else ''} envoyée "
                         f"({pluriel(message.recipient_count, 'destinataire', 'destinataires')}"
                         f"{f', mise à jour n° {session.sequence}' if session.sequence else ''})")


@atomic()
def invite(*, actor: User, session: QualitySession) -> QualitySession:
    """Send the invitation with its .ics to every participant (again: as an update with a higher SEQUENCE)."""
    _require_scheduled(session, "envoyer l'invitation")
    _invite(session, actor)
    return session


@atomic()
def update(*, actor: User, session: QualitySession, data: dict[str, Any]) -> QualitySession:
    """Change a planned session; a change of date, place or title is sent to the invited as an update."""
    _require_scheduled(session, "la modifier")
    values = _clean({k: v for k, v in data.items() if k != "kind"}, session=session)
    before = {k: getattr(session, k) for k in values}
    people_before = sorted(p.person_key for p in session.participants)
    for key, value in values.items():
        setattr(session, key, value)
    _set_people(session, data)
    people_changed = sorted(p.person_key for p in session.participants) != people_before
    events_before = [i.event_id for i in session.items]
    _set_agenda(session, data)
    if session.agenda_sent_at and [i.event_id for i in session.items] != events_before:
        session.agenda_sent_at = None  # the next beat sends the agenda again, as it now stands
    _set_themes(session, data)
    _require_theme(session)
    session.updated_at = utcnow()
    db.session.flush()
    _plan_events(session, actor)
    changes = audit.changes_between(before, values)
    audit.record(actor=actor, action="quality.session.update", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} modifiée", changes=changes)
    if session.invited_at and (people_changed or any(k in CALENDAR_FIELDS for k in changes)):
        _invite(session, actor)
    return session


@atomic()
def cancel(*, actor: User, session: QualitySession, reason: str | None = None) -> QualitySession:
    """Cancel a planned session; those invited receive the cancellation (METHOD:CANCEL)."""
    _require_scheduled(session, "l'annuler")
    reason = validation.clean_text(reason)
    if reason:
        validation.refuse_patient_data({"reason": reason})
    _guarded_status(session, SessionStatus.CANCELLED)
    audit.record(actor=actor, action="quality.session.cancel", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} annulée{' — ' + reason[:300] if reason else ''}",
                 changes={"status": ["scheduled", "cancelled"]})
    if session.invited_at:
        session.sequence += 1
        session_messages.send_calendar(session, kind="cancel", author=actor)
    return session


def _guarded_status(session: QualitySession, target: SessionStatus) -> None:
    """One UPDATE guarded by the status read: of two concurrent changes, one wins and the other gets 409."""
    result = db.session.execute(sa.update(QualitySession).where(
        QualitySession.id == session.id, QualitySession.status == session.status)
        .values(status=target, updated_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ServiceError("conflict", "La séance vient d'être modifiée : rechargez la page.", status=409)
    db.session.expire(session, ["status", "updated_at"])


@atomic()
def set_attendance(*, actor: User, session: QualitySession, present_ids: list[int]) -> QualitySession:
    """Who was there (participant ids); the others are recorded absent. Not on a cancelled session."""
    if session.status is SessionStatus.CANCELLED:
        raise ServiceError("invalid_transition", f"{session.reference} est annulée.", status=409)
    present = set(clean_ids(present_ids, "present_ids"))
    unknown = present - {p.id for p in session.participants}
    if unknown:
        raise _refuse("Participant inconnu pour cette séance.", present_ids="Participant inconnu.")
    for participant in session.participants:
        participant.attended = participant.id in present
    audit.record(actor=actor, action="quality.session.attendance", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} : {pluriel(len(present), 'présent', 'présents')} "
                         f"sur {len(session.participants)}")
    return session


@atomic()
def decide(*, actor: User, session: QualitySession, event_id: int, decision: str,
           pilot_user_id: int | None = None, method: str | None = None, note: str | None = None) -> SessionItem:
    """Record the session's decision on one agenda event; an analysis goes to a pilot not involved in it."""
    if session.status is SessionStatus.CANCELLED:
        raise ServiceError("invalid_transition", f"{session.reference} est annulée.", status=409)
    item = next((i for i in session.items if i.event_id == event_id), None)
    if item is None:
        raise _refuse("Cet événement n'est pas à l'ordre du jour.", event_id="Hors ordre du jour.")
    try:
        choice = Decision(decision)
    except ValueError:
        raise _refuse("Choisissez une décision.", decision="Décision inconnue.") from None
    note = validation.clean_text(note)
    if note:
        validation.refuse_patient_data({"note": note})
    event = db.session.get(AdverseEvent, event_id)
    pilot = _pilot(event, pilot_user_id) if choice is Decision.ANALYSIS else None
    if choice is Decision.CLOSED:
        closure.close(actor=actor, event=event)  # refuses (409) before anything is written
    item.decision, item.decision_note, item.decided_at = choice, note, utcnow()
    item.pilot_user_id = pilot.id if pilot else None
    audit.record(actor=actor, action="quality.session.decision", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} : {event.reference} — {choice.label}"
                         f"{' (pilote ' + pilot.full_name + ')' if pilot else ''}")
    if choice is Decision.ANALYSIS:
        _open_analysis(event, pilot, method or ("alarm" if session.kind is SessionKind.RMM else "orion"), actor)
    return item


def _pilot(event: AdverseEvent, pilot_user_id: Any) -> User:
    pilot = db.session.get(User, pilot_user_id) if isinstance(pilot_user_id, int) else None
    if pilot is None or not pilot.active:
        raise _refuse("Choisissez le pilote de l'analyse.", pilot_user_id="Pilote requis.")
    if event.declarer_user_id == pilot.id:
        raise _refuse("Le pilote ne peut pas être impliqué dans l'événement : choisissez quelqu'un d'autre.",
                      pilot_user_id="Le déclarant ne peut pas piloter l'analyse de son propre événement.")
    return pilot


def _open_analysis(event: AdverseEvent, pilot: User, method: str, actor: User) -> None:
    existing = db.session.scalar(sa.select(Analysis).where(Analysis.event_id == event.id))
    if existing is None:
        if method not in ("orion", "alarm"):
            raise _refuse("Méthode inconnue.", method="ORION ou ALARM.")
        db.session.add(Analysis(event_id=event.id, method=method, pilot_user_id=pilot.id))
    else:
        existing.pilot_user_id = pilot.id
    eventflow.advance(event, State.EN_ANALYSE, actor=actor, reason=f"Analyse confiée à {pilot.full_name}")


@atomic()
def hold(*, actor: User, session: QualitySession, summary: str | None = None) -> QualitySession:
    """Mark the session held (its attendance taken); its summary goes into the minutes."""
    _require_scheduled(session, "la marquer tenue")
    if session.starts_at > utcnow():
        when = paris_datetime(session.starts_at, "%d/%m/%Y à %H:%M")
        raise ServiceError("too_early", f"La séance est prévue le {when} : elle se marque tenue une fois commencée.",
                           status=409)
    if session.present_count == 0:
        raise _refuse("Relevez d'abord les présents.", present_ids="Aucun présent relevé.")
    text = validation.clean_text(summary)
    if text:
        validation.refuse_patient_data({"summary": text})
    session.summary = text or session.summary
    _guarded_status(session, SessionStatus.HELD)
    audit.record(actor=actor, action="quality.session.hold", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} tenue ({pluriel(session.present_count, 'présent', 'présents')})",
                 changes={"status": ["scheduled", "held"]})
    return session
