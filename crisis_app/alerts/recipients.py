"""The people an alert reaches, written beside their outbox rows in one set-based INSERT: at send, in a later wave of
a mobilisation, or as newcomers to its audience when the référent completes it (one way for all three)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.db import db
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import MessageRecipient
from crisis_app.directory import contacts
from crisis_app.directory.professionals.models import Professional


def values(alert: Alert, rows: list[MessageRecipient], people: Mapping[int, Professional], *, wave: int,
           quota_ids: Mapping[str, int], now: datetime, asked_at: datetime | None = None) -> list[dict]:
    """One alert recipient per outbox recipient, as plain values; ``asked_at`` for people added after the alert
    left (their time to answer runs from then)."""
    found = []
    for row in rows:
        person = people[row.ref_id]
        unavailable = person.unavailable_until
        found.append({"alert_id": alert.id, "message_recipient_id": row.id, "professional_id": person.id,
                      "name": row.name, "mobile_phone": person.mobile_phone, "email": person.email,
                      "channels": row.channels, "last_round_at": now, "rounds": 0, "wave": wave,
                      "unavailable_until": unavailable if unavailable and unavailable > now else None,
                      "profession_code": person.profession_code, "asked_at": asked_at,
                      "quota_id": quota_ids.get(person.profession_code)})
    return found


def write(alert: Alert, rows: list[MessageRecipient], people: list[Professional], *, wave: int,
          quota_ids: Mapping[str, int], now: datetime, asked_at: datetime | None = None) -> int:
    """Insert the alert recipients of ``rows`` (one statement); how many."""
    found = values(alert, rows, {p.id: p for p in people}, wave=wave, quota_ids=quota_ids, now=now,
                   asked_at=asked_at)
    if found:
        db.session.execute(sa.insert(AlertRecipient), found)
    db.session.expire(alert, ["recipients"])
    return len(found)


def add_people(alert: Alert, people: list[Professional], *, now: datetime, wave: int = 0,
               quota_ids: Mapping[str, int] | None = None) -> tuple[list[MessageRecipient], int]:
    """People added to a running alert: on its outbox message with their deliveries queued (the first channel only
    when it relaunches, as at send), and as its recipients asked now. ``(outbox rows, deliveries created)``."""
    if alert.message is None or not people:
        return [], 0
    before = alert.message.delivery_count or 0
    rows = outbox.add_recipients(alert.message, contacts.recipients_for(people, alert.channels),
                                 first_channel_only=bool(alert.escalation_max))
    write(alert, rows, people, wave=wave, quota_ids=quota_ids or {}, now=now, asked_at=now)
    return rows, (alert.message.delivery_count or 0) - before
