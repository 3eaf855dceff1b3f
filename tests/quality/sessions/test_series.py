"""Recurring sessions: occurrences from the rule six months ahead (Paris wall time kept), one .ics with its RRULE
that a calendar library expands to the same dates, one occurrence moved or cancelled (RECURRENCE-ID, EXDATE) while
the others stay, the beat's top-up once, refusals that write nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from dateutil.rrule import rrulestr
from icalendar import Calendar

from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.sessions import series as series_service
from quality.sessions import services as sessions
from quality.sessions.calendar import PARIS
from quality.sessions.models import QualitySession
from quality.sessions.vocab import SessionStatus
from tests import factories
from tests.quality.conftest import row_counts


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _next_second_tuesday() -> datetime:
    """12:30 Paris on the next 2nd Tuesday of a month at least two days away."""
    day = (utcnow() + timedelta(days=2)).astimezone(PARIS).date().replace(day=1)
    while True:
        tuesday = day + timedelta(days=(1 - day.weekday()) % 7 + 7)
        start = datetime(tuesday.year, tuesday.month, tuesday.day, 12, 30, tzinfo=PARIS)
        if start > utcnow() + timedelta(days=2):
            return start
        day = (day + timedelta(days=32)).replace(day=1)


def _series(referent, *, invite=True, **overrides):
    people = [factories.reachable_professional(channels=("email",)) for _ in range(3)]
    data = {"kind": "crex", "title": "CREX mensuel", "rrule": series_service.monthly_rule(2, 1),
            "first_at": _next_second_tuesday(), "duration_minutes": 90, "place": "Maison de santé, salle 2",
            "professional_ids": [p.id for p in people], "user_ids": [referent.id]}
    data.update(overrides)
    return series_service.create(actor=referent, data=data, invite=invite)


def _messages(topic: str) -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Message).where(Message.topic == topic).order_by(Message.id)))


def _ics(message: Message) -> Calendar:
    attachment = next(a for a in message.attachments if a.filename.endswith(".ics"))
    return Calendar.from_ical(attachment.content)


def _dates(value) -> list[datetime]:
    values = value if isinstance(value, list) else [value]
    return [d.dt for v in values for d in v.dts]


def _expand(calendar: Calendar, until: datetime) -> list[datetime]:
    """What a calendar application shows: the rule's dates, less EXDATE, each override at its new start."""
    [master] = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e]
    rule = rrulestr(master["rrule"].to_ical().decode(), dtstart=master.decoded("dtstart"))
    excluded = set(_dates(master["exdate"])) if "EXDATE" in master else set()
    moved = {e.decoded("recurrence-id"): e.decoded("dtstart") for e in calendar.walk("VEVENT")
             if "RECURRENCE-ID" in e}
    return [moved.get(d, d) for d in rule.between(master.decoded("dtstart") - timedelta(minutes=1), until, inc=True)
            if d not in excluded]


def _occurrences(series):
    db.session.expire_all()
    return series_service.upcoming(series)


def test_the_series_starts_on_the_rules_first_date_not_on_the_day_typed(referent):
    """DTSTART is the first instance in RFC 5545: a Thursday typed for "2nd Tuesday" would add a Thursday event."""
    typed = _next_second_tuesday() + timedelta(days=2)
    series = _series(referent, first_at=typed)
    [master] = _ics(_messages("quality.series.invite")[0]).walk("VEVENT")
    first = master.decoded("dtstart")
    assert first.weekday() == 1 and 8 <= first.day <= 14 and first > typed
    assert first == _occurrences(series)[0].starts_at


def test_occurrences_are_the_second_tuesdays_at_half_past_twelve_paris_six_months_ahead(referent):
    series = _series(referent, invite=False)
    rows = _occurrences(series)
    assert 5 <= len(rows) <= 7
    for row in rows:
        local = row.starts_at.astimezone(PARIS)
        assert (local.weekday(), local.hour, local.minute) == (1, 12, 30)
        assert 8 <= local.day <= 14
        assert row.status is SessionStatus.SCHEDULED and len(row.participants) == 4
    assert len({r.starts_at.astimezone(PARIS).month for r in rows}) == len(rows)
    assert rows[-1].starts_at <= utcnow() + series_service.AHEAD
    assert series_service.describe(series) == "le 2e mardi de chaque mois à 12:30"


def test_one_invitation_carries_an_rrule_that_expands_to_the_occurrences(referent):
    series = _series(referent)
    [message] = _messages("quality.series.invite")
    assert message.recipient_count == 4
    calendar = _ics(message)
    [master] = calendar.walk("VEVENT")
    assert str(master["uid"]) == series.uid
    assert master["rrule"].to_ical().decode() == "FREQ=MONTHLY;BYDAY=+2TU"
    assert master["dtstart"].params["TZID"] == "Europe/Paris"
    rows = _occurrences(series)
    assert _expand(calendar, rows[-1].starts_at) == [r.starts_at for r in rows]


def test_moving_one_occurrence_sends_it_alone_and_leaves_the_others(referent):
    series = _series(referent)
    rows = _occurrences(series)
    before = {r.id: r.starts_at for r in rows}
    moved, original = rows[2], rows[2].starts_at
    new_start = (original + timedelta(days=1)).astimezone(PARIS).replace(tzinfo=None)
    sessions.update(actor=referent, session=moved, data={"starts_at": new_start})
    [update] = _messages("quality.session.update")
    [event] = _ics(update).walk("VEVENT")
    assert str(event["uid"]) == series.uid
    assert event.decoded("recurrence-id") == original
    assert event.decoded("dtstart") == original + timedelta(days=1)
    after = {r.id: r.starts_at for r in _occurrences(series)}
    assert {k: v for k, v in after.items() if v != before[k]} == {moved.id: original + timedelta(days=1)}
    series_service.invite(actor=referent, series=series)
    again = _ics(_messages("quality.series.invite")[-1])
    expanded = _expand(again, rows[-1].starts_at + timedelta(days=2))
    assert expanded == [after[r.id] for r in rows]


def test_cancelling_one_occurrence_is_sent_as_a_cancel_and_an_exdate_of_the_series(referent):
    series = _series(referent)
    rows = _occurrences(series)
    cancelled = rows[1]
    sessions.cancel(actor=referent, session=cancelled, reason="Jour férié local")
    [cancel] = _messages("quality.session.cancel")
    calendar = _ics(cancel)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["uid"]), event.decoded("recurrence-id")) == (series.uid, cancelled.starts_at)
    statuses = [r.status for r in _occurrences(series)]
    assert statuses.count(SessionStatus.CANCELLED) == 1 and statuses[1] is SessionStatus.CANCELLED
    series_service.invite(actor=referent, series=series)
    again = _ics(_messages("quality.series.invite")[-1])
    assert _expand(again, rows[-1].starts_at) == [r.starts_at for r in rows if r.id != cancelled.id]


def test_the_beat_tops_up_the_series_once(referent):
    series = _series(referent, invite=False)
    count = len(_occurrences(series))
    later = utcnow() + timedelta(days=70)
    added = series_service.top_up_all(now=later)
    assert added >= 2
    assert series_service.top_up_all(now=later) == 0
    rows = _occurrences(series)
    assert len(rows) == count + added
    assert len({r.recurrence_at for r in rows}) == len(rows)


def test_a_series_ends_on_its_last_day(referent):
    first = _next_second_tuesday()
    series = _series(referent, invite=False, until=(first + timedelta(days=40)).date())
    assert len(_occurrences(series)) == 2


@pytest.mark.parametrize("overrides, field", [
    ({"rrule": "FREQ=DAILY"}, "rrule"),
    ({"rrule": "FREQ=MONTHLY;BYDAY=+2TU;COUNT=3"}, "rrule"),
    ({"rrule": "pas une règle"}, "rrule"),
    ({"first_at": datetime(2020, 1, 14, 12, 30)}, "first_at"),
    ({"kind": "practice_group"}, "theme_ids"),
    ({"place": None}, "place"),
    ({"until": date(2020, 1, 1)}, "until"),
])
def test_a_bad_series_is_refused_and_nothing_is_written(referent, overrides, field):
    people = [factories.professional()]
    before = row_counts()
    with pytest.raises(ServiceError) as refused:
        series_service.create(actor=referent, data={
            "kind": "crex", "rrule": "FREQ=MONTHLY;BYDAY=+2TU", "first_at": _next_second_tuesday(),
            "place": "Salle 2", "professional_ids": [people[0].id], **overrides})
    assert field in refused.value.fields
    assert row_counts() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QualitySession).where(
        QualitySession.series_id.is_not(None))) == 0
