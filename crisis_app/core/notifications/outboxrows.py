"""How ``outbox.send_message`` writes a message's recipients and deliveries: set-based, in the caller's transaction."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.models import PURPOSE_MESSAGE, Delivery, DeliveryState, Message, MessageRecipient
from crisis_app.core.notifications.registry import ROOM_PREFIX


def reachable_rows(recipients: list, channels,
                   first_channel_only: bool) -> tuple[list[dict], list[list[tuple[str, str]]]]:
    """The recipient rows of those reachable on the message's person channels (``outbox.Recipient``s given), and
    the (channel, address) each of their deliveries goes to (the first channel only with ``first_channel_only``)."""
    person_channels = [c for c in channels if not c.startswith(ROOM_PREFIX)]
    rows, wants = [], []
    for person in recipients:
        reachable = [c for c in person_channels if person.address_for(c)]
        if not reachable:
            continue
        rows.append({"name": person.name[:250], "sms": person.sms, "email": person.email, "channels": reachable,
                     "ref_type": person.ref_type, "ref_id": person.ref_id})
        wants.append([(c, person.address_for(c)) for c in (reachable[:1] if first_channel_only else reachable)])
    return rows, wants


def insert_rows(message: Message, rows: list[dict], wants: list[list[tuple[str, str]]],
                rooms: list[str]) -> list[int]:
    """Recipients and deliveries written set-based (a few multi-row INSERTs, no ORM object each): for a 2,000-person
    alert the unit of work's bookkeeping cost more than the rows. ``message.recipients`` loads them when read."""
    ids = insert_recipients(message.id, rows) if rows else []
    now = utcnow()

    def delivery(recipient_id: int | None, channel: str, address: str) -> dict:
        return {"reference": uuid.uuid4().hex, "message_id": message.id, "recipient_id": recipient_id,
                "channel": channel, "address": address, "purpose": PURPOSE_MESSAGE, "round": 0,
                "state": DeliveryState.QUEUED, "attempts": 0, "created_at": now}

    deliveries = [delivery(rid, channel, address) for rid, want in zip(ids, wants, strict=True)
                  for channel, address in want]
    deliveries += [delivery(None, room, room[len(ROOM_PREFIX):]) for room in rooms]
    if deliveries:
        db.session.execute(Delivery.__table__.insert(), deliveries)
    db.session.expire(message, ["recipients"])
    return ids


def insert_recipients(message_id: int, rows: list[dict]) -> list[int]:
    """Insert the recipients in order; their ids. On PostgreSQL the ids are drawn from the sequence first and the
    rows sent as one pipelined ``executemany``: a multi-row ``INSERT … RETURNING`` of thousands of parameters costs
    psycopg more to convert than the rows cost to write."""
    if db.session.get_bind().dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(MessageRecipient.__tablename__, "id")
        ids = list(db.session.scalars(sa.select(sa.func.nextval(sequence))
                                      .select_from(sa.func.generate_series(1, len(rows)))))
        for row, row_id in zip(rows, ids, strict=True):
            row["id"], row["message_id"] = row_id, message_id
        db.session.execute(MessageRecipient.__table__.insert(), rows)
        return ids
    for row in rows:
        row["message_id"] = message_id
    return list(db.session.scalars(sa.insert(MessageRecipient).returning(MessageRecipient.id,
                                                                         sort_by_parameter_order=True), rows))
