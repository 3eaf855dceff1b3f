"""The delivery engine: fan-out in batches, conditional state changes, retries, the sweeper.

Every transition is an UPDATE guarded by the state it leaves, so a batch that runs twice (a redelivered
task, two sweepers) sends each message once. A batch claims a small group, sends it under the channel's
rate limit, records the results, commits, and only then claims the next group. No transaction stays open
while a provider is called.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from crisis_app.core.db import atomic, db, detached_copy, utcnow
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.base import FileAttachment, OutgoingMessage, TransportError
from crisis_app.core.notifications.models import Delivery, DeliveryState, Message, MessageAttachment
from crisis_app.core.notifications.registry import EMAIL, buckets, channel_for

log = logging.getLogger(__name__)
CLAIMABLE = outbox.CLAIMABLE

# Domains add periodic steps to the sweeper (alerts: escalation), each returning how many deliveries it created.
_SWEEP_STEPS: dict[str, Callable[[datetime], int]] = {}


def sweep_step(name: str) -> Callable[[Callable[[datetime], int]], Callable[[datetime], int]]:
    def decorator(func):
        _SWEEP_STEPS[name] = func
        return func

    return decorator


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th temporary failure: 30 s, 2 min, 8 min, 32 min, then hourly."""
    return timedelta(seconds=min(30 * 4 ** max(attempts - 1, 0), 3600))


def queue_for(channel: str) -> str:
    """Each kind of channel has its own queue, so a slow SMS provider never holds back e-mail."""
    return {"sms": "outbox.sms", "email": "outbox.email"}.get(channel, "outbox.other")


def _dispatchable(now: datetime) -> sa.ColumnElement[bool]:
    stale = now - timedelta(seconds=current_app.config["ALERT_REQUEUE_AFTER_SECONDS"])
    return sa.or_(
        sa.and_(Delivery.state == DeliveryState.QUEUED,
                sa.or_(Delivery.enqueued_at.is_(None), Delivery.enqueued_at < stale)),
        sa.and_(Delivery.state == DeliveryState.TEMPORARY_FAILURE, Delivery.next_attempt_at <= now,
                Delivery.enqueued_at.is_(None)),
    )


def dispatch(message_id: int) -> int:
    """Split the message's sendable deliveries into batches per channel and enqueue them, channels interleaved."""
    from crisis_app.core.notifications.tasks import send_batch

    now = utcnow()
    rows = db.session.execute(sa.select(Delivery.id, Delivery.channel)
                              .where(Delivery.message_id == message_id, _dispatchable(now))
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
    cache: dict = {}
    try:
        for start in range(0, len(ids), step):
            chunk = ids[start:start + step]
            group = claim(chunk)
            figures["skipped"] += len(chunk) - len(group)
            if group:
                _send_group(group, transport, bucket, figures, cache)
            if os.getppid() != parent:
                # The worker that started us is gone: finish cleanly and leave the rest queued for the next one.
                log.warning("parent worker died; %s deliveries left for the sweeper", len(ids) - start - step)
                break
    finally:
        transport.close()
    return figures


def _attachments(message_id: int, cache: dict) -> tuple[FileAttachment, ...]:
    key = ("attachments", message_id)
    if key not in cache:
        rows = db.session.scalars(sa.select(MessageAttachment).where(MessageAttachment.message_id == message_id)
                                  .options(sa.orm.undefer(MessageAttachment.content))
                                  .order_by(MessageAttachment.id)).all()
        cache[key] = tuple(FileAttachment(r.filename, r.media_type, r.content) for r in rows)
    return cache[key]


def build(delivery: Delivery, message: Message, cache: dict) -> OutgoingMessage:
    """What one delivery says, written by its topic's renderer."""
    text = outbox.render(outbox.RenderContext(message=message, recipient=delivery.recipient, delivery=delivery,
                                              cache=cache))
    if delivery.channel == EMAIL:
        files = _attachments(message.id, cache) if message.attachments_count else ()
        return OutgoingMessage(reference=delivery.reference, address=delivery.address, subject=text.subject,
                               body=text.email_text, headers=text.headers, attachments=files,
                               message_id=message.id)
    if delivery.channel.startswith("room:"):
        files = _attachments(message.id, cache) if message.attachments_count else ()
        return OutgoingMessage(reference=delivery.reference, address=delivery.address, subject=text.subject,
                               body=text.email_text or text.sms_text, attachments=files, message_id=message.id)
    return OutgoingMessage(reference=delivery.reference, address=delivery.address, subject=text.subject,
                           body=text.sms_text, message_id=message.id)


def _messages(ids: set[int], cache: dict) -> dict[int, Message]:
    missing = [i for i in ids if ("message", i) not in cache]
    if missing:
        counts = dict(db.session.execute(sa.select(MessageAttachment.message_id, sa.func.count())
                                         .where(MessageAttachment.message_id.in_(missing))
                                         .group_by(MessageAttachment.message_id)).all())
        for row in db.session.scalars(sa.select(Message).where(Message.id.in_(missing))).all():
            message = detached_copy(row)  # kept for the whole batch: the rollbacks between groups must not expire it
            message.attachments_count = counts.get(message.id, 0)
            cache[("message", message.id)] = message
    return {i: cache[("message", i)] for i in ids}


def _send_group(group: list[int], transport, bucket, figures: dict[str, int], cache: dict) -> None:
    deliveries = db.session.scalars(sa.select(Delivery).where(Delivery.id.in_(group))
                                    .options(selectinload(Delivery.recipient))).all()
    messages = _messages({d.message_id for d in deliveries}, cache)
    outgoing, unwritten = [], []
    for d in deliveries:
        try:
            outgoing.append((d.id, d.channel, d.attempts, build(d, messages[d.message_id], cache)))
        except Exception as exc:  # noqa: BLE001 - one delivery that cannot be written must not hold the group
            log.exception("delivery %s could not be written", d.id)
            unwritten.append((d.id, d.attempts, TransportError(f"message impossible à écrire ({type(exc).__name__})")))
    db.session.rollback()  # no transaction stays open while we talk to providers
    now = utcnow()
    for delivery_id, attempts, error in unwritten:  # retried with backoff, then given up at the attempts cap
        _record_failure(delivery_id, attempts, error, now)
        figures["failed"] += 1

    def paced():
        for _, channel, _, message in outgoing:
            bucket.acquire(channel)
            yield message

    by_reference = {message.reference: (delivery_id, attempts) for delivery_id, _, attempts, message in outgoing}
    sent: list[int] = []
    for message, outcome in transport.send_many(paced()):
        delivery_id, attempts = by_reference[message.reference]
        if isinstance(outcome, TransportError):
            _record_failure(delivery_id, attempts, outcome, now)
            figures["failed"] += 1
        elif outcome.provider_ref:
            _finish(delivery_id, state=DeliveryState.SENT, sent_at=utcnow(), provider_ref=outcome.provider_ref,
                    last_error=None)
            figures["sent"] += 1
        else:
            sent.append(delivery_id)
    if sent:
        db.session.execute(sa.update(Delivery)
                           .where(Delivery.id.in_(sent), Delivery.state == DeliveryState.SENDING)
                           .values(state=DeliveryState.SENT, sent_at=utcnow(), sending_since=None, last_error=None)
                           .execution_options(synchronize_session=False))
        figures["sent"] += len(sent)
    db.session.commit()


def requeue_stuck(now: datetime) -> int:
    """Deliveries left in ``sending`` by a worker that died go back to the queue, up to the attempts cap: one whose
    every try ended that way (``ALERT_MAX_ATTEMPTS``) is a permanent failure that says why, never re-queued again."""
    limit = now - timedelta(seconds=current_app.config["ALERT_SENDING_TIMEOUT_SECONDS"])
    cap = current_app.config["ALERT_MAX_ATTEMPTS"]
    stuck = sa.and_(Delivery.state == DeliveryState.SENDING, Delivery.sending_since < limit)
    given_up = db.session.execute(
        sa.update(Delivery).where(stuck, Delivery.attempts >= cap)
        .values(state=DeliveryState.PERMANENT_FAILURE, sending_since=None,
                last_error=f"abandonné après {cap} essais : chaque envoi s'est interrompu sans réponse "
                           "(processus arrêté ou message impossible à envoyer)")
        .execution_options(synchronize_session=False))
    result = db.session.execute(sa.update(Delivery).where(stuck, Delivery.attempts < cap)
                                .values(state=DeliveryState.QUEUED, sending_since=None, enqueued_at=None,
                                        last_error="envoi interrompu (processus arrêté) : nouvel essai")
                                .execution_options(synchronize_session=False))
    db.session.commit()
    if given_up.rowcount:
        log.warning("%s deliveries given up after %s interrupted attempts", given_up.rowcount, cap)
    if result.rowcount:
        log.warning("re-queued %s deliveries left in sending by a dead worker", result.rowcount)
    return result.rowcount


def sweep(now: datetime | None = None) -> dict[str, int]:
    """The periodic safety net: re-queue the stuck, run the domains' steps (escalation), enqueue what is due."""
    now = now or utcnow()
    figures = {"requeued": requeue_stuck(now)}
    for name, step in _SWEEP_STEPS.items():
        with atomic():  # each domain's step is its own unit of work: one failing step does not undo another
            figures[name] = step(now)
    figures["dispatched"] = 0
    message_ids = db.session.scalars(sa.select(Delivery.message_id).where(_dispatchable(now)).distinct()).all()
    for message_id in message_ids:
        figures["dispatched"] += dispatch(message_id)
    return figures
