"""The one entry point every domain sends through, and the hook for the per-recipient part of a message.

``send_message`` adds a message, its recipients, attachments and one queued delivery per recipient × channel to
the caller's session. It never commits and never rolls back: the caller's service writes its own rows and its
audit row, commits once, and only then is the fan-out enqueued (never if the caller rolls back). If the broker is
unreachable at that moment, the sweeper enqueues the deliveries later: nothing accepted is lost.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.models import (
    PURPOSE_MESSAGE,
    Delivery,
    DeliveryState,
    Message,
    MessageAttachment,
    MessageRecipient,
)
from crisis_app.core.notifications.outboxrows import insert_rows, reachable_rows
from crisis_app.core.notifications.registry import ROOM_PREFIX, available_channels
from crisis_app.core.roles import PERMISSIONS, role_may

log = logging.getLogger(__name__)
CLAIMABLE = (DeliveryState.QUEUED, DeliveryState.TEMPORARY_FAILURE)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # what mail servers commonly accept, base64 included


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: a name, an address per channel, and optionally what they are in a domain."""

    name: str
    sms: str | None = None
    email: str | None = None
    ref_type: str | None = None
    ref_id: int | None = None

    def address_for(self, channel: str) -> str | None:
        return self.sms if channel == "sms" else self.email if channel == "email" else None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: its bytes, or a kept document a worker makes (``notifications.attachments``)."""

    filename: str
    media_type: str
    content: bytes | None
    document_id: int | None = None

    @classmethod
    def of_document(cls, document, *, filename: str, media_type: str) -> Attachment:
        made = document.content if document.status.value == "ready" else None
        return cls(filename=filename, media_type=media_type, content=made, document_id=document.id)


@dataclass
class RenderContext:
    """What a renderer gets for one delivery; ``cache`` lives for one batch (load a domain object once)."""

    message: Message
    recipient: MessageRecipient | None
    delivery: Delivery
    cache: dict[Any, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    subject: str
    sms_text: str
    email_text: str
    headers: dict[str, str] = field(default_factory=dict)


Renderer = Callable[[RenderContext], Rendered]
_RENDERERS: dict[str, Renderer] = {}


def renderer(topic: str) -> Callable[[Renderer], Renderer]:
    """Register the function that writes each delivery of ``topic`` (a personal link, a relaunch prefix…)."""

    def decorator(func: Renderer) -> Renderer:
        _RENDERERS[topic] = func
        return func

    return decorator


def default_render(ctx: RenderContext) -> Rendered:
    return Rendered(subject=ctx.message.subject, sms_text=ctx.message.sms_text, email_text=ctx.message.email_text)


def render(ctx: RenderContext) -> Rendered:
    return _RENDERERS.get(ctx.message.topic, default_render)(ctx)


def new_delivery(message: Message, recipient: MessageRecipient | None, channel: str, *, address: str,
                 purpose: str = PURPOSE_MESSAGE, round_number: int = 0) -> Delivery:
    """A queued delivery; its reference is the idempotency key every retry reuses."""
    return Delivery(reference=uuid.uuid4().hex, message=message, recipient=recipient, channel=channel,
                    address=address, purpose=purpose, round=round_number, state=DeliveryState.QUEUED)


def usable_channels(channels: Iterable[str]) -> list[str]:
    """The wanted channels that are configured, in the order given."""
    offered = {c.kind for c in available_channels()}
    return [c for c in dict.fromkeys(channels) if c in offered]


# Who may read a message in the outbox pages, when its sender names no permission: the domain's, by topic (a key
# ending with "." is a prefix). A topic of no domain listed here is read with ``outbox.read`` alone.
DEFAULT_READ_PERMISSION = "outbox.read"
TOPIC_READ_PERMISSIONS: dict[str, str] = {"quality.": "quality.manage", "crises.": "crisis.read",
                                          "alert": "alerts.read"}


def read_permission_for(topic: str) -> str:
    """The permission that guards a message of ``topic`` when its sender named none (the safe default)."""
    if topic in TOPIC_READ_PERMISSIONS:
        return TOPIC_READ_PERMISSIONS[topic]
    for key, permission in TOPIC_READ_PERMISSIONS.items():
        if key.endswith(".") and topic.startswith(key):
            return permission
    return DEFAULT_READ_PERMISSION


def send_message(*, topic: str, subject: str, recipients: Iterable[Recipient], channels: Sequence[str],
                 sms_text: str = "", email_text: str = "", first_channel_only: bool = False,
                 about: tuple[str, int] | None = None, author=None, label: str = "",
                 attachments: Sequence[Attachment] = (), read_permission: str | None = None) -> Message:
    """Add a message and its deliveries to the caller's transaction; fan out after the caller commits.

    Each recipient gets the wanted channels they have an address on (only the first of them with
    ``first_channel_only``); a room channel (``room:<name>``) gets one delivery for the whole message.
    ``read_permission``: who may read the message, its deliveries and attachments in the outbox pages (the
    permission of the domain it is about, e.g. ``quality.manage``); by default the one its topic's domain set in
    ``TOPIC_READ_PERMISSIONS``.
    """
    read_permission = read_permission or read_permission_for(topic)
    if read_permission not in PERMISSIONS:
        raise ValueError(f"permission inconnue : {read_permission}")
    for attachment in attachments:
        if attachment.content is None and attachment.document_id is None:
            raise ValueError(f"pièce jointe sans contenu : {attachment.filename}")
        if len(attachment.content or b"") > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"pièce jointe trop volumineuse : {attachment.filename}")
    wanted = usable_channels(channels)
    message = Message(topic=topic, subject=subject[:300], sms_text=sms_text, email_text=email_text,
                      channels=wanted, label=label[:250], about_type=about[0] if about else None,
                      about_id=about[1] if about else None, author_id=author.id if author else None,
                      read_permission=read_permission, created_at=utcnow())
    db.session.add(message)
    message.attachments = [MessageAttachment(filename=a.filename[:200], media_type=a.media_type[:100],
                                             size=len(a.content or b""), content=a.content,
                                             document_id=a.document_id) for a in attachments]
    given = list(recipients)
    rows, wants = reachable_rows(given, wanted, first_channel_only)
    rooms = [room for room in wanted if room.startswith(ROOM_PREFIX)]
    message.recipient_count, message.unreachable_count = len(rows), len(given) - len(rows)
    message.delivery_count = sum(len(w) for w in wants) + len(rooms)
    db.session.flush()
    insert_rows(message, rows, wants, rooms)
    if message.delivery_count:
        enqueue_after_commit(message.id)
    return message


def add_recipients(message: Message, recipients: Iterable[Recipient], *,
                   first_channel_only: bool = False) -> list[MessageRecipient]:
    """More people on a message already sent (an alert's next wave, newcomers to its audience), written set-based
    with their deliveries queued like the first ones', in the caller's transaction; the rows of those reachable on
    the message's channels (the others are counted unreachable)."""
    given = list(recipients)
    rows, wants = reachable_rows(given, message.channels, first_channel_only)
    message.recipient_count = (message.recipient_count or 0) + len(rows)
    message.unreachable_count = (message.unreachable_count or 0) + len(given) - len(rows)
    message.delivery_count = (message.delivery_count or 0) + sum(len(w) for w in wants)
    if not rows:
        return []
    ids = insert_rows(message, rows, wants, [])
    if any(wants):
        enqueue_after_commit(message.id)
    return list(db.session.scalars(sa.select(MessageRecipient).where(MessageRecipient.id.in_(ids))
                                   .order_by(MessageRecipient.id)))


def add_deliveries(message: Message, recipient: MessageRecipient | None, channels: Iterable[str], *,
                   purpose: str, round_number: int = 0) -> list[Delivery]:
    """More deliveries of an existing message (a relaunch, an end notice), in the caller's transaction."""
    deliveries = []
    for channel in channels:
        address = recipient.address_for(channel) if recipient is not None else channel[len(ROOM_PREFIX):]
        if address:
            deliveries.append(new_delivery(message, recipient, channel, address=address, purpose=purpose,
                                           round_number=round_number))
    db.session.add_all(deliveries)
    message.delivery_count = (message.delivery_count or 0) + len(deliveries)
    if deliveries:
        db.session.flush()
        enqueue_after_commit(message.id)
    return deliveries


def enqueue_after_commit(message_id: int) -> None:
    """Fan the message out once the caller's transaction has committed (never if it rolls back)."""
    session = db.session()
    pending = session.transaction_state.get("outbox_pending")
    if pending is None:
        pending = session.transaction_state["outbox_pending"] = set()
        session.on_commit(lambda: [enqueue(mid) for mid in sorted(pending)])
    pending.add(message_id)


def enqueue(message_id: int) -> None:
    """Ask a worker to fan the message out; if the broker is unreachable the sweeper will do it later."""
    from crisis_app.core.notifications.tasks import dispatch_message

    try:
        dispatch_message.delay(message_id)
    except Exception:  # noqa: BLE001 - the deliveries are committed; the sweeper re-enqueues them
        log.exception("could not enqueue message %s; the sweeper will pick it up", message_id)


def cancel_pending(message_id: int) -> int:
    """Hold every delivery of the message that has not left yet (in the caller's transaction)."""
    result = db.session.execute(sa.update(Delivery)
                                .where(Delivery.message_id == message_id, Delivery.state.in_(CLAIMABLE))
                                .values(state=DeliveryState.CANCELLED).execution_options(synchronize_session=False))
    return result.rowcount


def apply_receipt(*, reference: str, delivered: bool, error: str | None) -> bool:
    """A provider's delivery receipt, matched on our reference (or the provider's), in the caller's transaction."""
    delivery_id = db.session.scalar(sa.select(Delivery.id).where(sa.or_(Delivery.reference == reference,
                                                                        Delivery.provider_ref == reference)))
    if delivery_id is None:
        return False
    if delivered:
        db.session.execute(sa.update(Delivery).where(Delivery.id == delivery_id)
                           .values(delivered_at=utcnow()).execution_options(synchronize_session=False))
    else:
        db.session.execute(sa.update(Delivery)
                           .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.SENT)
                           .values(state=DeliveryState.PERMANENT_FAILURE,
                                   last_error=(error or "échec signalé par le fournisseur")[:300])
                           .execution_options(synchronize_session=False))
    return True


def counts_by_channel(message_id: int) -> dict[str, dict[str, int]]:
    """The message's deliveries counted per channel, then per state: ``{"sms": {"sent": 3, "queued": 1}}``."""
    rows = db.session.execute(sa.select(Delivery.channel, Delivery.state, sa.func.count())
                              .where(Delivery.message_id == message_id)
                              .group_by(Delivery.channel, Delivery.state)).all()
    out: dict[str, dict[str, int]] = {}
    for channel, state, n in rows:
        out.setdefault(channel, {})[state.value] = n
    return out


def counts_by_state(message_id: int) -> dict[str, int]:
    """The message's deliveries counted per state (all channels): ``{"sent": 4, "failed": 1}``."""
    out: dict[str, int] = {}
    for states in counts_by_channel(message_id).values():
        for state, n in states.items():
            out[state] = out.get(state, 0) + n
    return out


# --- SMS replies: the provider forwards them (core.notifications.webhooks); a domain takes them ------------------

@dataclass(frozen=True)
class SmsReply:
    sender: str  # the number as the provider wrote it
    text: str
    provider_ref: str  # the provider's id of the SMS: a reply is taken once


# ``handler(reply) -> bool``: True when the reply answered one of the domain's messages (it recorded it, or said why
# not); False when the sender has nothing of that topic to answer. It may raise a ServiceError (a replay: 409).
ReplyHandler = Callable[[SmsReply], bool]
_REPLY_HANDLERS: dict[str, ReplyHandler] = {}


def reply_handler(topic: str) -> Callable[[ReplyHandler], ReplyHandler]:
    """Register the function that takes the SMS replies to messages of ``topic``."""

    def decorator(func: ReplyHandler) -> ReplyHandler:
        _REPLY_HANDLERS[topic] = func
        return func

    return decorator


def reply_topics(sender: str) -> list[str]:
    """The topics with a reply handler, the one whose SMS reached this number last first (then by name)."""
    latest = dict(db.session.execute(
        sa.select(Message.topic, sa.func.max(Delivery.id)).join(Delivery.message)
        .where(Delivery.channel == "sms", Delivery.address == sender.strip(), Message.topic.in_(_REPLY_HANDLERS))
        .group_by(Message.topic)).all())
    return sorted(_REPLY_HANDLERS, key=lambda topic: (-(latest.get(topic) or 0), topic))


def claim_reply(provider_ref: str) -> int | None:
    """Record that the reply ``provider_ref`` arrived, once: its row id, or None when it had arrived before.

    ``INSERT … ON CONFLICT DO NOTHING``: of twelve identical calls at once, one inserts; on PostgreSQL the others
    wait for its commit and then insert nothing (no IntegrityError, so no 500), whatever the handlers do next."""
    from crisis_app.core.notifications.models import ReceivedReply

    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = (insert(ReceivedReply).values(provider_ref=provider_ref, received_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["provider_ref"]).returning(ReceivedReply.id))
    return db.session.execute(statement).scalar()


def receive_reply(reply: SmsReply) -> str | None:
    """Offer an SMS reply to the domains' handlers; the topic that took it, or None (audited, nothing recorded).

    A reply is taken once by its provider id, matched or not: a replay raises a ServiceError (409)."""
    from crisis_app.core.errors import ServiceError
    from crisis_app.core.notifications.models import ReceivedReply

    row_id = claim_reply(reply.provider_ref)
    if row_id is None:
        raise ServiceError("replayed", "Cette réponse SMS a déjà été reçue.", status=409)
    for topic in reply_topics(reply.sender):
        if _REPLY_HANDLERS[topic](reply):
            db.session.execute(sa.update(ReceivedReply).where(ReceivedReply.id == row_id).values(topic=topic))
            return topic
    audit.record(actor=None, action="outbox.reply_unmatched", object_type="message",
                 summary="Réponse SMS reçue sans message ouvert qui l'attende : non enregistrée")
    return None


def readable_permissions(user) -> list[str]:
    """The read permissions whose messages ``user`` may open in the outbox pages (none without ``outbox.open``)."""
    if user is None or not user.may("outbox.open"):
        return []
    return [p for p in PERMISSIONS if role_may(user.role, p)]


def messages_about(about_type: str, about_id: int, user) -> list[Message]:
    """The messages sent about one object (a session, a crisis) that ``user`` may read, newest first: the page of
    the object lists them, with their attachments (the minutes, the .ics)."""
    allowed = readable_permissions(user)
    if not allowed:
        return []
    return list(db.session.scalars(sa.select(Message).where(
        Message.about_type == about_type, Message.about_id == about_id, Message.read_permission.in_(allowed))
        .order_by(Message.id.desc())))


def may_read(user, message: Message) -> bool:
    """``user`` may read ``message`` (its text, deliveries, attachments): outbox.open and the message's permission."""
    return message.read_permission in readable_permissions(user)


# What each kind of message is called in the outbox pages; domains add theirs.
TOPIC_LABELS: dict[str, str] = {}


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic)


# What a signed-in user is among the recipients (``(ref_type, ref_id)`` pairs): their account, and what the domains
# link to the account (directory: the person's own entry, the contacts of the partner organisation the account is
# attached to). Never an address: an address copied into one's own entry must not give someone else's messages.
_READER_PROVIDERS: list[Callable[[Any], set[tuple[str, int]]]] = []


def reader_refs_provider(func: Callable[[Any], set[tuple[str, int]]]) -> Callable[[Any], set[tuple[str, int]]]:
    _READER_PROVIDERS.append(func)
    return func


def reader_refs(user) -> set[tuple[str, int]]:
    found = {("user", user.id)}
    for provider in _READER_PROVIDERS:
        found |= {ref for ref in provider(user) if ref and ref[1] is not None}
    return found


def received_by(user) -> sa.Select:
    """The built-in sink's rows sent to ``user`` (matched on the recipient each delivery was for, not on addresses)."""
    from crisis_app.core.notifications.models import OutboxMessage

    refs = reader_refs(user)
    by_type: dict[str, set[int]] = {}
    for ref_type, ref_id in refs:
        by_type.setdefault(ref_type, set()).add(ref_id)
    matches = [sa.and_(MessageRecipient.ref_type == ref_type, MessageRecipient.ref_id.in_(sorted(ids)))
               for ref_type, ids in sorted(by_type.items())]
    return (sa.select(OutboxMessage).join(Delivery, Delivery.reference == OutboxMessage.reference)
            .join(MessageRecipient, MessageRecipient.id == Delivery.recipient_id).where(sa.or_(*matches)))
