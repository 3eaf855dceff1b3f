"""The session's invitation as an iCalendar file that calendar applications import (RFC 5545 / iTIP).

One UID for the session's whole life; SEQUENCE is raised at each change sent, so a calendar replaces the event
instead of adding a second one; a cancellation is METHOD:CANCEL with STATUS:CANCELLED. Times are written in
Europe/Paris with the VTIMEZONE that describes it.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from crisis_app.core.db import utcnow
from quality.sessions.models import QualitySession

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
    event.add("uid", session.uid)
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


def filename(session: QualitySession) -> str:
    return f"seance-{session.kind.value}-{session.id}.ics"
