"""Declaring an event and what keeps an anonymous declarer anonymous afterwards, each change with its audit row.

Anonymity: an anonymous declaration is written with no user id, no name, no e-mail, no address, no user agent —
in the event, its history and its audit rows (actor=None, summaries naming no one) — and nothing about its author
is logged. Its timestamps keep the day (the declaration) or the hour (a note), so they cannot be matched to one line
of a web server's access log; its audit rows are written the next night with others of its day, in random order.
The follow-up secret is returned once and kept only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications.models import Message
from crisis_app.directory.professionals.models import Professional
from quality import notify, validation
from quality.register import messages, rules
from quality.register import validation as declaration_checks
from quality.register.models import AdverseEvent, AdverseEventNote, AdverseEventStep
from quality.register.services import OBJECT, quality_referents
from quality.register.vocab import State

ANONYMOUS_LABEL = "déclarant anonyme"


@dataclass(frozen=True)
class Declared:
    event: AdverseEvent
    follow_up_secret: str | None  # the clear secret of an anonymous declaration, shown once


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _coarse(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _day(moment: datetime) -> datetime:
    """An anonymous declaration keeps its day only: no time to set beside a named row."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def declare(*, actor: User | None, anonymous: bool, data: dict[str, Any]) -> Declared:
    """Record a declaration (named: ``actor`` is its author; anonymous: nothing of the author is kept).

    Refused with 422 and nothing stored when a field is wrong or a free text may identify a patient.
    """
    if not anonymous and actor is None:
        raise ServiceError("anonymous_required", "Sans compte, la déclaration est anonyme.", field="anonymous")
    with atomic():
        return _record_declaration(actor=actor, anonymous=anonymous, data=data)


def _record_declaration(*, actor: User | None, anonymous: bool, data: dict[str, Any]) -> Declared:
    values = declaration_checks.clean_declaration(data, today=utcnow().date())
    severity, likelihood = values["declarer_severity"], values["declarer_likelihood"]
    now = _day(utcnow()) if anonymous else utcnow()
    secret = secrets.token_urlsafe(24) if anonymous else None
    event = AdverseEvent(**values, severity=severity, criticality=rules.criticality(severity, likelihood),
                         anonymous=anonymous, declarer_user_id=None if anonymous else actor.id,
                         follow_up_hash=hash_secret(secret) if secret else None, created_at=now, updated_at=now)
    event.refresh_search_text()
    db.session.add(event)
    db.session.flush()
    db.session.add(AdverseEventStep(event_id=event.id, at=now, from_state=None, to_state=State.DECLARE,
                                    actor_label=ANONYMOUS_LABEL if anonymous else actor.full_name))
    if not anonymous:  # an anonymous one is journaled the next night, with others of its day, in random order
        audit.record(actor=actor, action="quality.event.declare", object_type=OBJECT, object_id=event.id,
                     summary=_declared_summary(event), changes={"state": [None, State.DECLARE.value],
                                                                "anonymous": [None, False]})
        notify.send(messages.acknowledgement(event, actor))
        notify.send(messages.new_event(event, referent_people()))
    return Declared(event=event, follow_up_secret=secret)


def referent_people() -> list[notify.Person]:
    """The quality referents to tell, with the mobile of their directory entry when they have one."""
    referents = quality_referents()
    mobiles = dict(db.session.execute(sa.select(Professional.user_id, Professional.mobile_phone).where(
        Professional.user_id.in_([u.id for u in referents]), Professional.active.is_(True),
        Professional.mobile_phone.is_not(None))).all()) if referents else {}
    return [notify.Person(name=u.full_name, email=u.email, ref_id=u.id, mobile=mobiles.get(u.id))
            for u in referents]


def announce_anonymous_declarations(*, now: datetime | None = None) -> int:
    """Tell the referents of the anonymous declarations not announced yet, all at once (run hourly by beat): the
    messages say in which hour, not at which second, a declaration came."""
    since = _day(now or utcnow()) - timedelta(days=2)
    events = list(db.session.scalars(sa.select(AdverseEvent).where(
        AdverseEvent.anonymous.is_(True), AdverseEvent.state == State.DECLARE, AdverseEvent.created_at >= since)
        .order_by(AdverseEvent.created_at, AdverseEvent.category)))
    if not events:
        return 0
    told = set(db.session.scalars(sa.select(Message.about_id).where(
        Message.topic == "quality.new_event", Message.about_type == OBJECT,
        Message.about_id.in_([e.id for e in events]))))
    people = referent_people()
    pending = [e for e in events if e.id not in told]
    for event in pending:
        notify.send(messages.new_event(event, people))
    return len(pending)


def _declared_summary(event: AdverseEvent) -> str:
    return (f"{event.reference} déclaré{' anonymement' if event.anonymous else ''} : {event.category_label}, "
            f"gravité {event.declarer_severity}, vraisemblance {event.declarer_likelihood}")


def journal_anonymous_declarations(*, now: datetime | None = None, lookback_days: int = 31) -> int:
    """The audit rows of the anonymous declarations and of their declarers' notes of the days before today, written
    together in random order, dated with their day only: neither their ids nor their times can be set beside another
    row. Idempotent."""
    today = _day(now or utcnow())
    events = list(db.session.scalars(sa.select(AdverseEvent).where(
        AdverseEvent.anonymous.is_(True), AdverseEvent.created_at < today,
        AdverseEvent.created_at >= today - timedelta(days=lookback_days))))
    journaled = set(db.session.scalars(sa.select(AuditEvent.object_id).where(
        AuditEvent.action == "quality.event.declare", AuditEvent.object_type == OBJECT,
        AuditEvent.object_id.in_([str(e.id) for e in events])))) if events else set()
    pending = [e for e in events if str(e.id) not in journaled]
    notes = list(db.session.scalars(sa.select(AdverseEventNote).where(
        AdverseEventNote.journaled.is_(False), AdverseEventNote.at < today)
        .options(selectinload(AdverseEventNote.event))))  # one query for the notes' events, not one per note
    rows = [(event, "quality.event.declare", _declared_summary(event), event.created_at) for event in pending]
    rows += [(note.event, "quality.event.note", _note_summary(note.event), note.at) for note in notes]
    secrets.SystemRandom().shuffle(rows)
    for event, action, summary, moment in rows:
        changes = ({"state": [None, State.DECLARE.value], "anonymous": [None, True]}
                   if action == "quality.event.declare" else {})
        row = audit.record(actor=None, action=action, object_type=OBJECT, object_id=event.id, summary=summary,
                           changes=changes)
        row.actor_label, row.at = ANONYMOUS_LABEL, _day(moment)
    for note in notes:
        note.journaled = True
    db.session.flush()
    return len(rows)


def event_for_secret(secret: str) -> AdverseEvent | None:
    """The anonymous declaration a follow-up secret opens, or None."""
    if not secret or len(secret) > 100:
        return None
    return db.session.scalar(sa.select(AdverseEvent).where(AdverseEvent.follow_up_hash == hash_secret(secret)))


@atomic()
def add_information(*, event: AdverseEvent, text: str, actor: User | None) -> AdverseEventNote:
    """The declarer adds information (through the follow-up link, or their account for a named declaration)."""
    text = validation.clean_text(text)
    if text is None:
        raise ServiceError("validation_error", "Écrivez l'information à ajouter.", field="text")
    if len(text) > validation.TEXT_MAX:
        raise ServiceError("validation_error", f"Au plus {validation.TEXT_MAX} caractères.", field="text")
    validation.refuse_patient_data({"text": text})
    now = _coarse(utcnow()) if event.anonymous else utcnow()
    note = AdverseEventNote(event_id=event.id, text=text, at=now, journaled=not event.anonymous)
    db.session.add(note)
    db.session.flush()
    if not event.anonymous:  # an anonymous declarer's note is journaled the next night (journal_anonymous_…)
        audit.record(actor=actor, action="quality.event.note", object_type=OBJECT, object_id=event.id,
                     summary=_note_summary(event))
    return note


def _note_summary(event: AdverseEvent) -> str:
    return f"{event.reference} : information ajoutée par le déclarant"
