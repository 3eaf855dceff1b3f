"""The delivery engine: fan-out in batches, conditional state changes, retries, the sweeper.

Every transition is an UPDATE guarded by the state it leaves, so a batch that runs twice (a redelivered
task, two sweepers) sends each message once. A batch claims its deliveries in one ``UPDATE … RETURNING``
(by default all of them; ``ALERT_COMMIT_EVERY`` cuts it into groups), renders them from those plain rows,
sends them under the channel's rate limit, records the results in set-based UPDATEs and commits. No
transaction stays open while a provider is called.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from crisis_app.core.db import atomic, db, detached_copy, utcnow
from crisis_app.core.notifications import attachments, failover, outbox
from crisis_app.core.notifications.base import FileAttachment, OutgoingMessage, TransportError
from crisis_app.core.notifications.batchresults import Results
from crisis_app.core.notifications.models import (
    Delivery,
    DeliveryState,
    Message,
    MessageAttachment,
    MessageRecipient,
)
from crisis_app.core.notifications.registry import EMAIL, SMS, buckets, channel_for

log = logging.getLogger(__name__)
CLAIMABLE = outbox.CLAIMABLE

# Domains add periodic steps to the sweeper (alerts: escalation), each returning how many deliveries it created.
_SWEEP_STEPS: dict[str, Callable[[datetime], int]] = {}


def sweep_step(name: str) -> Callable[[Callable[[datetime], int]], Callable[[datetime], int]]:
    def decorator(func):
        _SWEEP_STEPS[name] = func
        return func

    return decorator


def queue_for(channel: str) -> str:
    """Each kind of channel has its own queue, so a slow SMS provider never holds back e-mail."""
    return {"sms": "outbox.sms", "email": "outbox.email"}.get(channel, "outbox.other")


def _dispatchable(now: datetime) -> sa.ColumnElement[bool]:
    stale = now - timedelta(seconds=current_app.config["ALERT_REQUEUE_AFTER_SECONDS"])
    return sa.and_(attachments.not_waiting_for_a_file(), sa.or_(
        sa.and_(Delivery.state == DeliveryState.QUEUED,
                sa.or_(Delivery.enqueued_at.is_(None), Delivery.enqueued_at < stale)),
        sa.and_(Delivery.state == DeliveryState.TEMPORARY_FAILURE, Delivery.next_attempt_at <= now,
                Delivery.enqueued_at.is_(None)),
    ))


def dispatch(message_id: int) -> int:
    """Split the message's sendable deliveries into batches per channel and enqueue them, channels interleaved."""
    from crisis_app.core.notifications.tasks import send_batch

    now = utcnow()
    # Marked and read in one UPDATE … RETURNING: a dispatcher enqueues only the rows it marked, so the task after
    # the commit and a sweep running at the same moment never enqueue the same batch twice.
    rows = sorted(db.session.execute(sa.update(Delivery)
                                     .where(Delivery.message_id == message_id, _dispatchable(now))
                                     .values(enqueued_at=now).returning(Delivery.id, Delivery.channel)
                                     .execution_options(synchronize_session=False)).all(), key=lambda r: r.id)
    db.session.commit()
    if not rows:
        return 0
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


# What a worker reads of a delivery it claims: plain rows, no ORM object per delivery.
_CLAIMED = (Delivery.id, Delivery.reference, Delivery.message_id, Delivery.recipient_id, Delivery.channel,
            Delivery.address, Delivery.purpose, Delivery.round, Delivery.attempts, Delivery.provider)


def _claim_rows(ids: list[int], cache: dict | None = None) -> list[sa.Row]:
    """Move deliveries to ``sending`` if nobody else did, in one ``UPDATE … RETURNING``; commit; return the rows
    this caller now owns (what rendering needs, read in the same statement).

    With two SMS providers, an SMS that no provider holds is claimed for the active one (see ``failover``)."""
    now = utcnow()
    values = {"state": DeliveryState.SENDING, "sending_since": now, "attempts": Delivery.attempts + 1}
    if failover.configured():
        state = failover.current(SMS, now)
        if cache is not None:
            cache["sms_state"] = state
        values["provider"] = sa.case((Delivery.channel == SMS, sa.func.coalesce(Delivery.provider, state.active)),
                                     else_=Delivery.provider)
    result = db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id.in_(ids), Delivery.state.in_(CLAIMABLE),
               sa.or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
        .values(**values).returning(*_CLAIMED).execution_options(synchronize_session=False))
    rows = sorted(result.all(), key=lambda r: r.id)
    db.session.commit()
    return rows


def claim(ids: list[int]) -> list[int]:
    """Move deliveries to ``sending`` if nobody else did; return the ones this caller now owns."""
    return [row.id for row in _claim_rows(ids)]


def send_deliveries(ids: list[int]) -> dict[str, int]:
    """Send a batch of one channel's deliveries: claim a group in one statement, render it from plain rows, send
    it on one transport (one SMTP connection, kept-open HTTP sessions), record the results in bulk, commit; repeat.

    A group is ``ALERT_COMMIT_EVERY`` deliveries (0, the default: the whole batch): two commits per group, the claim's
    and the results'. No transaction stays open while a provider is called."""
    figures = {"sent": 0, "failed": 0, "skipped": 0}
    if not ids:
        return figures
    parent = os.getppid()
    step = current_app.config["ALERT_COMMIT_EVERY"] if current_app.config["ALERT_COMMIT_EVERY"] > 0 else len(ids)
    bucket = buckets()
    transports: dict[tuple[str, str | None], object] = {}
    cache: dict = {}
    try:
        for start in range(0, len(ids), step):
            chunk = ids[start:start + step]
            group = _claim_rows(chunk, cache)
            figures["skipped"] += len(chunk) - len(group)
            if group:
                _send_group(group, transports, bucket, figures, cache)
            if os.getppid() != parent:
                # The worker that started us is gone: finish cleanly and leave the rest queued for the next one.
                log.warning("parent worker died; %s deliveries left for the sweeper", len(ids) - start - step)
                break
    finally:
        for transport in transports.values():
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


def build(delivery, message: Message, cache: dict, recipient=None) -> OutgoingMessage:
    """What one delivery says, written by its topic's renderer. ``delivery`` and ``recipient`` may be ORM objects
    or plain rows with the same attribute names (the engine passes rows)."""
    if recipient is None and isinstance(delivery, Delivery):
        recipient = delivery.recipient
    text = outbox.render(outbox.RenderContext(message=message, recipient=recipient, delivery=delivery, cache=cache))
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


_RECIPIENT_COLUMNS = (MessageRecipient.id, MessageRecipient.message_id, MessageRecipient.name, MessageRecipient.sms,
                      MessageRecipient.email, MessageRecipient.channels, MessageRecipient.ref_type,
                      MessageRecipient.ref_id)


def _recipients(rows: list[sa.Row]) -> dict[int, sa.Row]:
    ids = {r.recipient_id for r in rows if r.recipient_id is not None}
    if not ids:
        return {}
    return {r.id: r for r in db.session.execute(sa.select(*_RECIPIENT_COLUMNS)
                                                .where(MessageRecipient.id.in_(ids))).all()}


def _send_group(group: list[sa.Row], transports: dict, bucket, figures: dict[str, int], cache: dict) -> None:
    recipients = _recipients(group)
    messages = _messages({d.message_id for d in group}, cache)
    results = Results(figures)
    outgoing, unwritten = [], []
    for d in group:
        try:
            outgoing.append((d, build(d, messages[d.message_id], cache, recipients.get(d.recipient_id))))
        except Exception as exc:  # noqa: BLE001 - one delivery that cannot be written must not hold the group
            log.exception("delivery %s could not be written", d.id)
            unwritten.append((d, TransportError(f"message impossible à écrire ({type(exc).__name__})")))
    db.session.rollback()  # no transaction stays open while we talk to providers
    now = utcnow()
    for d, error in unwritten:  # retried with backoff, then given up at the attempts cap; nothing left: any provider
        results.failure(d.id, d.attempts, error, now, provider=None)

    by_route: dict[tuple[str, str | None], list] = defaultdict(list)
    for d, message in outgoing:
        by_route[(d.channel, d.provider)].append((d, message))
    for (channel, provider), items in by_route.items():
        outcomes = _send_route(channel, provider, items, transports, bucket, results, now)
        moved, to = _moved_by_switch(channel, provider, outcomes, now, cache)
        for d, _, outcome in outcomes:
            if d.id not in moved:
                results.record(d, outcome, now, provider)
        if moved:  # surely not sent by the provider just left: the new one sends them now
            retry = [(d, message) for d, message, _ in outcomes if d.id in moved]
            for d, _, outcome in _send_route(channel, to, retry, transports, bucket, results, now):
                results.record(d, outcome, now, to, moved=True)
    results.write()
    db.session.commit()


def _send_route(channel: str, provider: str | None, items: list, transports: dict, bucket, results: Results,
                now: datetime) -> list[tuple]:
    """Send ``items`` on one channel's provider, paced by the channel's rate limit; each with its outcome."""
    key = (channel, provider)
    if key not in transports:
        try:
            transports[key] = channel_for(channel, provider)
        except (KeyError, ValueError) as exc:  # the channel was removed or its URL is wrong: said, retried
            log.error("channel %s cannot send: %s", channel, exc)
            for d, _ in items:
                results.failure(d.id, d.attempts, TransportError("canal non configuré ou adresse de service "
                                                                 "invalide"), now, provider=None)
            return []
    by_reference = {message.reference: d for d, message in items}

    def paced():
        for _, message in items:
            bucket.acquire(channel)
            yield message

    return [(by_reference[message.reference], message, outcome)
            for message, outcome in transports[key].send_many(paced())]


def _moved_by_switch(channel: str, provider: str | None, outcomes: list[tuple], now: datetime, cache: dict
                     ) -> tuple[set[int], str | None]:
    """Count the tries on the provider (it may switch); after a switch, the deliveries to send on the new one."""
    if channel != SMS or provider is None or not outcomes or not failover.configured():
        return set(), None
    tried = [not isinstance(o, TransportError) for _, _, o in outcomes
             if not (isinstance(o, TransportError) and o.permanent)]
    state = cache.pop("sms_state", None)
    active = failover.observe(channel, provider, tried, now, had_errors=bool(state and state.errors_in_row))
    if active == provider:
        return set(), None
    return {d.id for d, _, o in outcomes if isinstance(o, TransportError) and failover.may_move(o)}, active


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
    with atomic():  # back to the primary after the quiet period, or to the backup when too many SMS wait
        failover.check(now)
    for name, step in _SWEEP_STEPS.items():
        with atomic():  # each domain's step is its own unit of work: one failing step does not undo another
            figures[name] = step(now)
    figures["dispatched"] = 0
    message_ids = db.session.scalars(sa.select(Delivery.message_id).where(_dispatchable(now)).distinct()).all()
    for message_id in message_ids:
        figures["dispatched"] += dispatch(message_id)
    return figures
