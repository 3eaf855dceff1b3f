"""The session's invitation as an iCalendar file that calendar applications import (RFC 5545 / iTIP).

One UID for the session's whole life; SEQUENCE is raised at each change sent, so a calendar replaces the event
instead of adding a second one; a cancellation is METHOD:CANCEL with STATUS:CANCELLED. Times are written in
Europe/Paris with the VTIMEZONE that describes it. A series is one event with an RRULE; one of its occurrences
changed or cancelled is that event with a RECURRENCE-ID, and a cancelled one an EXDATE of the series.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vRecur

from crisis_app.core.db import utcnow
from quality.sessions.models import QualitySession, SessionSeries
from quality.sessions.vocab import SessionStatus

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Vigie//Qualité CPTS//FR"
MEDIA_TYPE = "text/calendar"


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    if role:
        address.params["ROLE"] = role
        address.params["PARTSTAT"] = "NEEDS-ACTION"
        address.params["RSVP"] = "TRUE"
    return address


def _description(session: QualitySession) -> str:
    lines = [f"{session.kind.label} de la CPTS — démarche non punitive et confidentielle."]
    if session.video_url:
        lines.append(f"Visioconférence : {session.video_url}")
    if session.place:
        lines.append(f"Lieu : {session.place}")
    lines.append("L'ordre du jour anonymisé est envoyé une semaine avant la séance.")
    return "\n".join(lines)


def invitation(session: QualitySession, *, attendees: list[tuple[str, str]], organizer: tuple[str, str] | None,
               cancel: bool = False) -> bytes:
    """The .ics of ``session`` for ``attendees`` [(name, email)]: REQUEST, or CANCEL once cancelled."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    # an occurrence of a series is that series' event on one date: its UID and the RECURRENCE-ID the rule gave it
    # (the indicator review is planned like a session, without a series: hence getattr)
    series_id = getattr(session, "series_id", None)
    event.add("uid", session.series.uid if series_id else session.uid)
    if series_id and session.recurrence_at:
        event.add("recurrence-id", session.recurrence_at.astimezone(PARIS))
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at.astimezone(PARIS))
    event.add("dtend", session.ends_at.astimezone(PARIS))
    event.add("sequence", session.sequence)
    event.add("summary", session.title)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("location", session.place or session.video_url or "")
    if session.video_url:
        event.add("url", session.video_url)
    event.add("description", _description(session))
    if organizer:
        event.add("organizer", _address(organizer[1], organizer[0]))
    for name, email in attendees:
        event.add("attendee", _address(email, name, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    year = session.starts_at.astimezone(PARIS).year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31))
    return calendar.to_ical()


def series_invitation(series: SessionSeries, occurrences: list[QualitySession], *,
                      attendees: list[tuple[str, str]], organizer: tuple[str, str] | None) -> bytes:
    """The .ics of a whole series: the master event with its RRULE (and UNTIL), an EXDATE per cancelled occurrence,
    and one event with RECURRENCE-ID per occurrence moved or changed."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    master = Event()
    master.add("uid", series.uid)
    master.add("dtstamp", utcnow())
    first = series.first_at.astimezone(PARIS)
    master.add("dtstart", first)
    master.add("dtend", first + timedelta(minutes=series.duration_minutes))
    rule = vRecur.from_ical(series.rrule)
    if series.until:
        # UNTIL in UTC when DTSTART has a time zone (RFC 5545 3.3.10): the end of the last Paris day
        rule["UNTIL"] = datetime.combine(series.until, time(23, 59), PARIS).astimezone(UTC)
    master.add("rrule", rule)
    cancelled = [o.recurrence_at.astimezone(PARIS) for o in occurrences if o.status is SessionStatus.CANCELLED]
    if cancelled:
        master.add("exdate", cancelled)
    master.add("sequence", series.sequence)
    master.add("summary", series.title)
    master.add("status", "CONFIRMED")
    master.add("location", series.place or series.video_url or "")
    master.add("description", f"{series.kind.label} de la CPTS, séance récurrente — démarche non punitive et "
                              "confidentielle.\nL'ordre du jour anonymisé de chaque séance est envoyé une semaine "
                              "avant.")
    _people(master, attendees, organizer)
    calendar.add_component(master)
    for occurrence in occurrences:
        moved = (occurrence.starts_at != occurrence.recurrence_at or occurrence.sequence
                 or occurrence.place != series.place or occurrence.title != series.title)
        if occurrence.status is not SessionStatus.CANCELLED and moved:
            event = Event()
            event.add("uid", series.uid)
            event.add("recurrence-id", occurrence.recurrence_at.astimezone(PARIS))
            event.add("dtstamp", utcnow())
            event.add("dtstart", occurrence.starts_at.astimezone(PARIS))
            event.add("dtend", occurrence.ends_at.astimezone(PARIS))
            event.add("sequence", max(occurrence.sequence, series.sequence))
            event.add("summary", occurrence.title)
            event.add("status", "CONFIRMED")
            event.add("location", occurrence.place or occurrence.video_url or "")
            _people(event, attendees, organizer)
            calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(first.year - 1, 1, 1), last_date=date(first.year + 3, 12, 31))
    return calendar.to_ical()


def _people(event: Event, attendees: list[tuple[str, str]], organizer: tuple[str, str] | None) -> None:
    if organizer:
        event.add("organizer", _address(organizer[1], organizer[0]))
    for name, email in attendees:
        event.add("attendee", _address(email, name, "REQ-PARTICIPANT"))


def series_filename(series: SessionSeries) -> str:
    return f"serie-{series.kind.value}-{series.id}.ics"


def filename(session: QualitySession) -> str:
    return f"seance-{session.kind.value}-{session.id}.ics"
