"""The invitation leaves through the real e-mail channel: an SMTP server on loopback receives it with its .ics."""

from __future__ import annotations

import email
import time
from datetime import timedelta

import pytest
from icalendar import Calendar

from crisis_app.core.db import utcnow
from crisis_app.core.roles import Role
from quality.sessions import services as sessions
from tests import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def live_email(app, monkeypatch, smtp_server):
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    monkeypatch.setitem(app.config, "CHANNEL_RATES", {"sms": 0, "email": 0, "room": 0})
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)
    app.extensions.pop("vigie_buckets", None)
    yield smtp_server
    app.extensions.pop("vigie_buckets", None)


def _calendar_part(raw: str) -> Calendar:
    message = email.message_from_string(raw)
    for part in message.walk():
        if part.get_content_type() == "text/calendar" or (part.get_filename() or "").endswith(".ics"):
            return Calendar.from_ical(part.get_payload(decode=True))
    raise AssertionError("no .ics in the e-mail")


def test_the_invitation_reaches_the_smtp_sink_with_a_parsable_ics(live_email, personas, db_session):
    referent = personas[Role.QUALITY_REFERENT].user
    person = factories.reachable_professional(channels=("email",))
    session = sessions.schedule(actor=referent, invite=True, data={
        "kind": "crex", "starts_at": utcnow() + timedelta(days=9), "duration_minutes": 90,
        "place": "Maison de santé", "professional_ids": [person.id]})
    for _ in range(50):  # the fan-out runs eagerly after the commit; the SMTP server writes from its own thread
        if live_email.messages:
            break
        time.sleep(0.1)
    [received] = live_email.messages
    assert received["to"] == [person.email]
    calendar = _calendar_part(received["data"])
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == session.uid
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.decoded("dtstart") == session.starts_at
