"""The delivery engine: fan-out in batches, conditional state changes, retries, the sweeper, escalation.

Every transition is an UPDATE guarded by the state it leaves, so a batch that runs twice (a redelivered
task, two sweepers) sends each message once. A batch claims a small group, sends it under the channel's
rate limit, records the results, commits, and only then claims the next group.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from crisis_app.alerts import messages
from crisis_app.alerts.models import Alert, AlertRecipient, AlertStatus, Delivery, DeliveryState, Purpose
from crisis_app.alerts.rules import escalation_channel, retry_delay, should_escalate
from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications import TransportError
from crisis_app.core.notifications.registry import buckets, channel_for

log = logging.getLogger(__name__)
CLAIMABLE = (DeliveryState.QUEUED, DeliveryState.TEMPORARY_FAILURE)


def address_for(recipient: AlertRecipient, channel: str) -> str:
    return recipient.mobile_phone if channel == "sms" else recipient.email


def new_delivery(alert: Alert, recipient: AlertRecipient | None, channel: str, *, address: str,
                 purpose: Purpose = Purpose.ALERT, round_number: int = 0) -> Delivery:
    """A queued delivery; its reference is the idempotency key every retry reuses."""
    return Delivery(reference=uuid.uuid4().hex, alert_id=alert.id, recipient=recipient, channel=channel,
                    address=address, purpose=purpose, round=round_number, state=DeliveryState.QUEUED)


def queue_for(channel: str) -> str:
    """Each kind of channel has its own queue, so a slow SMS provider never holds back e-mail."""
    return {"sms": "alerts.sms", "email": "alerts.email"}.get(channel, "alerts.other")


def enqueue_alert(alert_id: int) -> None:
    """Ask a worker to fan the alert out; if the broker is unreachable the sweeper will do it later."""
    from crisis_app.alerts.tasks import dispatch_alert

    try:
        dispatch_alert.delay(alert_id)
    except Exception:  # noqa: BLE001 - the deliveries are committed; the sweeper re-enqueues them
        log.exception("could not enqueue alert %s; the sweeper will pick it up", alert_id)


def _dispatchable(now: datetime) -> sa.ColumnElement[bool]:
    stale = now - timedelta(seconds=current_app.config["ALERT_REQUEUE_AFTER_SECONDS"])
    return sa.or_(
        sa.and_(Delivery.state == DeliveryState.QUEUED,
                sa.or_(Delivery.enqueued_at.is_(None), Delivery.enqueued_at < stale)),
        sa.and_(Delivery.state == DeliveryState.TEMPORARY_FAILURE, Delivery.next_attempt_at <= now,
                Delivery.enqueued_at.is_(None)),
    )


def dispatch(alert_id: int) -> int:
    """Split the alert's sendable deliveries into batches per channel and enqueue them, channels interleaved."""
    from crisis_app.alerts.tasks import send_batch

    now = utcnow()
    rows = db.session.execute(sa.select(Delivery.id, Delivery.channel)
                              .where(Delivery.alert_id == alert_id, _dispatchable(now))
                              .order_by(Delivery.id)).all()
    if not rows:
        return 0
    ids = [r.id for r in rows]
    db.session.execute(sa.update(Delivery).where(Delivery.id.in_(ids), _dispatchable(now))
                       .values(enqueued_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    by_channel: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row.id)
    size = current_app.config["ALERT_BATCH_SIZE"]
    batches = {c: [ids[i:i + size] for i in range(0, len(ids), size)] for c, ids in by_channel.items()}
    for round_batches in _interleave(list(batches.items())):
        for channel, batch in round_batches:
            send_batch.apply_async(args=(batch,), queue=queue_for(channel))
    return len(rows)


def _interleave(items: list[tuple[str, list[list[int]]]]):
    depth = max(len(b) for _, b in items)
    for i in range(depth):
        yield [(channel, b[i]) for channel, b in items if i < len(b)]


def claim(ids: list[int]) -> list[int]:
    """Move deliveries to ``sending`` if nobody else did; return the ones this caller now owns."""
    now = utcnow()
    result = db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.state.in_(CLAIMABLE),
               sa.or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
        .values(state=DeliveryState.SENDING, sending_since=now, attempts=Delivery.attempts + 1)
        .returning(Delivery.id).execution_options(synchronize_session=False))
    claimed = [row[0] for row in result]
    db.session.commit()
    return claimed


def _finish(delivery_id: int, **values) -> bool:
    result = db.session.execute(sa.update(Delivery)
                                .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.SENDING)
                                .values(sending_since=None, **values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _record_failure(delivery_id: int, attempts: int, error: TransportError, now: datetime) -> None:
    exhausted = attempts >= current_app.config["ALERT_MAX_ATTEMPTS"]
    if error.permanent or exhausted:
        _finish(delivery_id, state=DeliveryState.PERMANENT_FAILURE, last_error=str(error)[:300])
    else:
        _finish(delivery_id, state=DeliveryState.TEMPORARY_FAILURE, last_error=str(error)[:300],
                next_attempt_at=now + retry_delay(attempts), enqueued_at=None)


def send_deliveries(ids: list[int]) -> dict[str, int]:
    """Send a batch of one channel's deliveries: claim a group, send it, record, commit; repeat."""
    figures = {"sent": 0, "failed": 0, "skipped": 0}
    if not ids:
        return figures
    parent = os.getppid()
    step = max(current_app.config["ALERT_COMMIT_EVERY"], 1)
    channel_kind = db.session.scalar(sa.select(Delivery.channel).where(Delivery.id == ids[0]))
    transport, bucket = channel_for(channel_kind), buckets()
    try:
        for start in range(0, len(ids), step):
            chunk = ids[start:start + step]
            group = claim(chunk)
            figures["skipped"] += len(chunk) - len(group)
            if group:
                _send_group(group, transport, bucket, figures)
            if os.getppid() != parent:
                # The worker that started us is gone: finish cleanly and leave the rest queued for the next one.
                log.warning("parent worker died; %s deliveries left for the sweeper", len(ids) - start - step)
                break
    finally:
        transport.close()
    return figures


def _send_group(group: list[int], transport, bucket, figures: dict[str, int]) -> None:
    deliveries = db.session.scalars(sa.select(Delivery).where(Delivery.id.in_(group))
                                    .options(selectinload(Delivery.recipient))).all()
    alerts = {a.id: a for a in db.session.scalars(sa.select(Alert).where(
        Alert.id.in_({d.alert_id for d in deliveries})))}
    outgoing = [(d.id, d.channel, d.attempts, messages.build(alerts[d.alert_id], d)) for d in deliveries]
    db.session.rollback()  # no transaction stays open while we talk to providers

    def paced():
        for _, channel, _, message in outgoing:
            bucket.acquire(channel)
            yield message

    by_reference = {message.reference: (delivery_id, attempts) for delivery_id, _, attempts, message in outgoing}
    sent: list[int] = []
    now = utcnow()
    for message, outcome in transport.send_many(paced()):
        delivery_id, attempts = by_reference[message.reference]
        if isinstance(outcome, TransportError):
            _record_failure(delivery_id, attempts, outcome, now)
            figures["failed"] += 1
        else:
            sent.append(delivery_id)
            if outcome.provider_ref:
                _finish(delivery_id, state=DeliveryState.SENT, sent_at=utcnow(), provider_ref=outcome.provider_ref)
    if sent:
        db.session.execute(sa.update(Delivery)
                           .where(Delivery.id.in_(sent), Delivery.state == DeliveryState.SENDING)
                           .values(state=DeliveryState.SENT, sent_at=utcnow(), sending_since=None, last_error=None)
                           .execution_options(synchronize_session=False))
        figures["sent"] += len(sent)
    db.session.commit()


def cancel_pending(alert_id: int) -> int:
    result = db.session.execute(sa.update(Delivery)
                                .where(Delivery.alert_id == alert_id, Delivery.state.in_(CLAIMABLE))
                                .values(state=DeliveryState.CANCELLED).execution_options(synchronize_session=False))
    return result.rowcount


def mark_answered(recipient_id: int) -> None:
    db.session.execute(sa.update(Delivery)
                       .where(Delivery.recipient_id == recipient_id, Delivery.state == DeliveryState.SENT,
                              Delivery.purpose != Purpose.END)
                       .values(state=DeliveryState.ANSWERED).execution_options(synchronize_session=False))


def apply_receipt(delivery_id: int, *, delivered: bool, error: str | None) -> None:
    if delivered:
        db.session.execute(sa.update(Delivery).where(Delivery.id == delivery_id)
                           .values(delivered_at=utcnow()).execution_options(synchronize_session=False))
    else:
        db.session.execute(sa.update(Delivery)
                           .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.SENT)
                           .values(state=DeliveryState.PERMANENT_FAILURE,
                                   last_error=(error or "échec signalé par le fournisseur")[:300])
                           .execution_options(synchronize_session=False))


def requeue_stuck(now: datetime) -> int:
    """Deliveries left in ``sending`` by a worker that died go back to the queue."""
    limit = now - timedelta(seconds=current_app.config["ALERT_SENDING_TIMEOUT_SECONDS"])
    result = db.session.execute(sa.update(Delivery)
                                .where(Delivery.state == DeliveryState.SENDING, Delivery.sending_since < limit)
                                .values(state=DeliveryState.QUEUED, sending_since=None, enqueued_at=None)
                                .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount:
        log.warning("re-queued %s deliveries left in sending by a dead worker", result.rowcount)
    return result.rowcount


def escalate(now: datetime) -> int:
    """Create the next round for recipients who stayed silent; each round is claimed by a conditional UPDATE."""
    rows = db.session.execute(
        sa.select(AlertRecipient, Alert).join(Alert)
        .where(Alert.status == AlertStatus.ACTIVE, Alert.escalation_max > 0,
               AlertRecipient.answered_at.is_(None), AlertRecipient.rounds < Alert.escalation_max)).all()
    created = 0
    for recipient, alert in rows:
        if not should_escalate(answered=False, rounds=recipient.rounds, last_round_at=recipient.last_round_at,
                               escalation_minutes=alert.escalation_minutes, escalation_max=alert.escalation_max,
                               now=now):
            continue
        taken = db.session.execute(sa.update(AlertRecipient)
                                   .where(AlertRecipient.id == recipient.id, AlertRecipient.rounds == recipient.rounds)
                                   .values(rounds=recipient.rounds + 1, last_round_at=now)
                                   .execution_options(synchronize_session=False)).rowcount
        if not taken:
            continue
        channel = escalation_channel(recipient.channels, recipient.rounds + 1)
        db.session.add(new_delivery(alert, recipient, channel, address=address_for(recipient, channel),
                                    purpose=Purpose.ESCALATION, round_number=recipient.rounds + 1))
        created += 1
    db.session.commit()
    return created


def sweep(now: datetime | None = None) -> dict[str, int]:
    """The periodic safety net: re-queue the stuck, escalate the silent, enqueue what is due."""
    now = now or utcnow()
    figures = {"requeued": requeue_stuck(now), "escalated": escalate(now), "dispatched": 0}
    alert_ids = db.session.scalars(sa.select(Delivery.alert_id).where(_dispatchable(now)).distinct()).all()
    for alert_id in alert_ids:
        figures["dispatched"] += dispatch(alert_id)
    return figures
