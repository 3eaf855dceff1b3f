"""Recurring sessions: one series ("le 2e mardi de chaque mois, 12 h 30") whose occurrences are ordinary sessions
created some months ahead and topped up by a beat; one invitation (.ics with RRULE) for the whole series; a change
or a cancellation of one occurrence leaves the others and is sent by the sessions' own services (RECURRENCE-ID).

The rule is RFC 5545 text without DTSTART (dateutil expands it from the first Paris date and time, so 12 h 30 stays
12 h 30 across daylight saving). Every change joins the caller's unit of work with its audit row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from dateutil.rrule import rrulestr

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.singleline import MESSAGE as SINGLE_LINE
from crisis_app.core.singleline import is_single_line
from crisis_app.core.timez import paris_datetime
from crisis_app.directory.professionals.models import Professional
from quality import validation
from quality.sessions import messages as session_messages
from quality.sessions.calendar import PARIS
from quality.sessions.models import QualitySession, QualityTheme, SeriesMember, SessionParticipant, SessionSeries
from quality.sessions.services import clean_ids, rows_by_id
from quality.sessions.vocab import SessionKind, SessionStatus

OBJECT = "quality_session_series"
AHEAD = timedelta(days=183)  # occurrences exist six months ahead
FREQUENCIES = ("WEEKLY", "MONTHLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_LABELS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ORDINALS = {1: "1er", 2: "2e", 3: "3e", 4: "4e", -1: "dernier"}


def _refuse(message: str, **fields: str) -> ServiceError:
    return ServiceError("validation_error", message, fields={k: [v] for k, v in fields.items()})


def monthly_rule(nth: int, weekday: int) -> str:
    """"The ``nth`` (1..4, or -1 for the last) ``weekday`` (0 = Monday) of each month"."""
    return f"FREQ=MONTHLY;BYDAY={nth:+d}{WEEKDAYS[weekday]}"


def weekly_rule(interval: int, weekday: int) -> str:
    return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={WEEKDAYS[weekday]}"


def rule_from_form(*, frequency: Any, nth: Any, weekday: Any, interval: Any = 1) -> str:
    """The rule the form's choices describe, or 422."""
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise _refuse("Choisissez le jour de la semaine.", weekday="Jour requis.")
    if frequency == "monthly":
        if nth not in ORDINALS:
            raise _refuse("Choisissez la semaine du mois (1re à 4e, ou la dernière).", nth="Semaine requise.")
        return monthly_rule(nth, weekday)
    if frequency == "weekly":
        if not isinstance(interval, int) or not 1 <= interval <= 8:
            raise _refuse("Toutes les 1 à 8 semaines.", interval="Entre 1 et 8.")
        return weekly_rule(interval, weekday)
    raise _refuse("Choisissez une répétition mensuelle ou hebdomadaire.", frequency="Répétition requise.")


def _rule(value: Any) -> str:
    text = (value or "").strip().upper() if isinstance(value, str) else ""
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    if (not text or len(text) > 200 or parts.get("FREQ") not in FREQUENCIES
            or {"COUNT", "UNTIL", "DTSTART"} & parts.keys()):
        raise _refuse("Règle de répétition invalide (hebdomadaire ou mensuelle, sans COUNT ni UNTIL).",
                      rrule="Règle invalide.")
    try:
        rrulestr(text, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError):
        raise _refuse("Règle de répétition invalide.", rrule="Règle invalide.") from None
    return text


def describe(series: SessionSeries) -> str:
    """The rule in French: « le 2e mardi de chaque mois à 12:30 »."""
    parts = dict(p.split("=", 1) for p in series.rrule.split(";"))
    day = parts.get("BYDAY", "")
    weekday = WEEKDAY_LABELS[WEEKDAYS.index(day[-2:])] if day[-2:] in WEEKDAYS else ""
    at = paris_datetime(series.first_at, "%H:%M")
    if parts["FREQ"] == "MONTHLY" and day[:-2]:
        return f"le {ORDINALS.get(int(day[:-2]), day[:-2])} {weekday} de chaque mois à {at}"
    interval = int(parts.get("INTERVAL", "1"))
    every = "chaque semaine" if interval == 1 else f"toutes les {interval} semaines"
    return f"le {weekday}, {every}, à {at}"


def first_of_rule(rule: str, start: datetime) -> datetime:
    """The rule's first date at or after ``start`` (same Paris time): DTSTART must be an occurrence, or a calendar
    shows one more event on the day typed (RFC 5545 counts DTSTART as the first instance)."""
    local = start.astimezone(PARIS).replace(tzinfo=None)
    first = rrulestr(rule, dtstart=local).after(local, inc=True)
    if first is None:
        raise _refuse("La règle ne donne aucune séance.", rrule="Règle sans date.")
    return first.replace(tzinfo=PARIS).astimezone(UTC)


def occurrences(series: SessionSeries, start: datetime, end: datetime) -> list[datetime]:
    """The UTC starts the rule gives between ``start`` and ``end`` (both included), up to ``until``."""
    first_local = series.first_at.astimezone(PARIS).replace(tzinfo=None)
    rule = rrulestr(series.rrule, dtstart=first_local)
    lo = max(start, series.first_at).astimezone(PARIS).replace(tzinfo=None)
    hi = end.astimezone(PARIS).replace(tzinfo=None)
    if series.until:
        hi = min(hi, datetime.combine(series.until, datetime.max.time()))
    return [local.replace(tzinfo=PARIS).astimezone(UTC) for local in rule.between(lo, hi, inc=True)] if lo <= hi \
        else []


def _first_at(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise _refuse("Indiquez la date et l'heure de la première séance.", first_at="Date et heure attendues.")
    if value.tzinfo is None:
        value = value.replace(tzinfo=PARIS)
    value = value.astimezone(UTC).replace(second=0, microsecond=0)
    if value < utcnow():
        raise _refuse("La première séance ne peut pas être dans le passé.", first_at="Date passée.")
    return value


def _texts(data: dict[str, Any]) -> dict[str, str | None]:
    values = {}
    for name, limit in (("title", 200), ("place", 300), ("video_url", 500)):
        text = validation.clean_text(data.get(name))
        if text and len(text) > limit:
            raise _refuse(f"Au plus {limit} caractères.", **{name: f"Au plus {limit} caractères."})
        if not is_single_line(text):
            raise _refuse(SINGLE_LINE, **{name: SINGLE_LINE})
        values[name] = text
    if values["video_url"] and not values["video_url"].startswith(("https://", "http://")):
        raise _refuse("Le lien de visioconférence commence par https://.", video_url="Lien https:// attendu.")
    if not values["place"] and not values["video_url"]:
        raise _refuse("Indiquez un lieu ou un lien de visioconférence.", place="Lieu ou visioconférence requis.")
    validation.refuse_patient_data(values)
    return values


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    try:
        kind = SessionKind(data.get("kind"))
    except ValueError:
        raise _refuse("Choisissez le type de séance.", kind="Type de séance inconnu.") from None
    duration = data.get("duration_minutes", 90)
    if isinstance(duration, bool) or not isinstance(duration, int) or not 15 <= duration <= 480:
        raise _refuse("Durée entre 15 et 480 minutes.", duration_minutes="Durée entre 15 et 480 minutes.")
    until = data.get("until")
    if until is not None and not isinstance(until, date):
        raise _refuse("Date de fin invalide.", until="Date attendue.")
    rule = _rule(data.get("rrule"))
    values = {"kind": kind, "rrule": rule, "first_at": first_of_rule(rule, _first_at(data.get("first_at"))),
              "duration_minutes": duration, "until": until, **_texts(data)}
    if until is not None and until < values["first_at"].astimezone(PARIS).date():
        raise _refuse("La fin précède la première séance.", until="Date de fin trop tôt.")
    if not values["title"]:
        values["title"] = f"{kind.label} {'mensuel' if 'MONTHLY' in values['rrule'] else 'hebdomadaire'}"
    return values


def _occurrence(series: SessionSeries, starts_at: datetime) -> QualitySession:
    people = {m.professional_id: db.session.get(Professional, m.professional_id)
              for m in series.members if m.professional_id}
    participants = [SessionParticipant(professional_id=p.id, professional=p, name=p.display_name,
                                       profession=p.profession) for p in people.values() if p is not None]
    linked = {p.user_id for p in people.values() if p is not None and p.user_id}
    for member in series.members:
        user = db.session.get(User, member.user_id) if member.user_id else None
        if user is not None and user.id not in linked:
            participants.append(SessionParticipant(user_id=user.id, user=user, name=user.full_name))
    session = QualitySession(
        kind=series.kind, title=series.title, starts_at=starts_at, duration_minutes=series.duration_minutes,
        place=series.place, video_url=series.video_url, lead_user_id=series.lead_user_id,
        status=SessionStatus.SCHEDULED, uid=f"{uuid.uuid4()}@vigie-qualite", series_id=series.id,
        recurrence_at=starts_at, invited_at=series.invited_at, participants=participants,
        themes=list(series.themes))
    db.session.add(session)
    return session


def _top_up(series: SessionSeries, now: datetime) -> list[QualitySession]:
    known = set(db.session.scalars(sa.select(QualitySession.recurrence_at)
                                   .where(QualitySession.series_id == series.id)))
    return [_occurrence(series, at) for at in occurrences(series, now, now + AHEAD) if at not in known]


@atomic()
def create(*, actor: User, data: dict[str, Any], invite: bool = False) -> SessionSeries:
    """Plan a series and its occurrences for the next six months; ``invite`` sends one .ics with its RRULE."""
    values = _clean(data)
    people = rows_by_id(Professional, clean_ids(data.get("professional_ids"), "professional_ids"), "professional_ids",
                        "Professionnel")
    users = rows_by_id(User, clean_ids(data.get("user_ids"), "user_ids"), "user_ids", "Compte")
    themes = rows_by_id(QualityTheme, clean_ids(data.get("theme_ids"), "theme_ids"), "theme_ids", "Thème")
    if values["kind"] is SessionKind.PRACTICE_GROUP and not themes:
        raise _refuse("Choisissez le thème du groupe d'analyse des pratiques.", theme_ids="Thème requis.")
    if not people and not users:
        raise _refuse("Ajoutez des participants.", professional_ids="Aucun participant.")
    series = SessionSeries(**values, lead_user_id=actor.id, uid=f"{uuid.uuid4()}@vigie-qualite-serie",
                           themes=themes, members=[SeriesMember(professional_id=p.id) for p in people]
                           + [SeriesMember(user_id=u.id) for u in users])
    db.session.add(series)
    db.session.flush()
    if invite:
        series.invited_at = utcnow()
    created = _top_up(series, utcnow())
    db.session.flush()
    audit.record(actor=actor, action="quality.series.create", object_type=OBJECT, object_id=series.id,
                 summary=f"Série « {series.title} » : {describe(series)} "
                         f"({pluriel(len(created), 'séance créée', 'séances créées')} d'avance)")
    if invite:
        _send(series, actor)
    return series


def _send(series: SessionSeries, actor: User | None) -> None:
    message = session_messages.send_series(series, upcoming(series), rule_text=describe(series),
                                           author=actor)
    audit.record(actor=actor, action="quality.series.invite", object_type=OBJECT, object_id=series.id,
                 summary=f"Série « {series.title} » : invitation envoyée "
                         f"({pluriel(message.recipient_count, 'destinataire', 'destinataires')})")


@atomic()
def invite(*, actor: User, series: SessionSeries) -> SessionSeries:
    """Send the series' .ics (RRULE, EXDATE of the cancelled occurrences, the moved ones as RECURRENCE-ID)."""
    if series.invited_at:
        series.sequence += 1
    series.invited_at = utcnow()
    db.session.execute(sa.update(QualitySession).where(QualitySession.series_id == series.id,
                                                       QualitySession.invited_at.is_(None))
                       .values(invited_at=series.invited_at).execution_options(synchronize_session=False))
    _send(series, actor)
    return series


def upcoming(series: SessionSeries) -> list[QualitySession]:
    """Every occurrence of the series, in the order of the rule."""
    return list(db.session.scalars(sa.select(QualitySession).where(QualitySession.series_id == series.id)
                                   .order_by(QualitySession.recurrence_at)))


@atomic()
def top_up_all(*, now: datetime | None = None) -> int:
    """One beat: each active series gets its occurrences six months ahead; returns how many were created."""
    now = now or utcnow()
    created = 0
    for series in db.session.scalars(sa.select(SessionSeries).where(SessionSeries.active.is_(True))
                                     .order_by(SessionSeries.id)):
        made = _top_up(series, now)
        if made:
            db.session.flush()
            audit.record(actor=None, action="quality.series.top_up", object_type=OBJECT, object_id=series.id,
                         summary=f"Série « {series.title} » : "
                                 f"{pluriel(len(made), 'séance ajoutée', 'séances ajoutées')}")
        created += len(made)
    return created
