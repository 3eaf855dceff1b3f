"""The outbox: every message Vigie sends, its recipients, attachments, and one Delivery per recipient × channel.

A message knows no domain: ``topic`` says what kind it is (``alert``, ``directory.confirmation``,
``stock.warnings``…), ``about_type``/``about_id`` the object it is about, and a recipient's ``ref_type``/``ref_id``
what the person is in a domain (a professional, an organisation contact, a user). Every delivery state change is a
conditional UPDATE (see ``engine``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum


class DeliveryState(LabelledStrEnum):
    QUEUED = "queued", "en file"
    SENDING = "sending", "en cours d'envoi"
    SENT = "sent", "envoyé"
    TEMPORARY_FAILURE = "temporary_failure", "échec temporaire (nouvel essai prévu)"
    PERMANENT_FAILURE = "permanent_failure", "échec définitif"
    ANSWERED = "answered", "répondu"
    CANCELLED = "cancelled", "annulé"


class DeliveryPurpose(LabelledStrEnum):
    """What a delivery carries: the message itself, a relaunch of it, its end notice, or the notice that enough
    people said yes (alerts use all four)."""

    MESSAGE = "message", "message"
    ESCALATION = "escalation", "relance"
    END = "end", "fin"
    COMPLETE = "complete", "c'est complet"


PURPOSE_MESSAGE, PURPOSE_ESCALATION, PURPOSE_END = (DeliveryPurpose.MESSAGE, DeliveryPurpose.ESCALATION,
                                                   DeliveryPurpose.END)


class Message(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(60), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    sms_text: Mapped[str] = mapped_column(sa.String(1000), default="")
    email_text: Mapped[str] = mapped_column(sa.Text, default="")
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)
    label: Mapped[str] = mapped_column(sa.String(250), default="")  # to whom, in words ("Référents crise"…)
    about_type: Mapped[str | None] = mapped_column(sa.String(40))
    about_id: Mapped[int | None]
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # who may read it in the outbox pages: the permission of the domain that sent it (core.roles), besides outbox.read
    read_permission: Mapped[str] = mapped_column(sa.String(60), default="outbox.read", server_default="outbox.read")
    recipient_count: Mapped[int] = mapped_column(default=0)
    unreachable_count: Mapped[int] = mapped_column(default=0)  # given, but with no address on the chosen channels
    delivery_count: Mapped[int] = mapped_column(default=0)

    recipients: Mapped[list[MessageRecipient]] = relationship(back_populates="message", cascade="all, delete-orphan",
                                                              order_by="MessageRecipient.name")
    attachments: Mapped[list[MessageAttachment]] = relationship(back_populates="message",
                                                                cascade="all, delete-orphan",
                                                                order_by="MessageAttachment.id")

    __table_args__ = (sa.Index("ix_message_about", "about_type", "about_id"),)


class MessageRecipient(db.Model):
    """A person or mailbox a message goes to; addresses are copied when the message is written."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(250))
    sms: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)  # the message's channels this person is reachable on
    ref_type: Mapped[str | None] = mapped_column(sa.String(40))
    ref_id: Mapped[int | None]

    message: Mapped[Message] = relationship(back_populates="recipients")

    __table_args__ = (sa.Index("ix_message_recipient_ref", "ref_type", "ref_id"),)

    def address_for(self, channel: str) -> str | None:
        return self.sms if channel == "sms" else self.email if channel == "email" else None


class MessageAttachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    # None while the worker makes the document it comes from (``document_id``): the message waits for it
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    document_id: Mapped[int | None] = mapped_column(index=True)  # core.documents row it is copied from, once made

    message: Mapped[Message] = relationship(back_populates="attachments")


class Delivery(TimestampMixin, db.Model):
    """One message to one recipient on one channel; every state change is a conditional UPDATE."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)  # idempotency key, stable across retries
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("message_recipient.id", ondelete="CASCADE"),
                                                     index=True)
    channel: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(254))
    purpose: Mapped[str] = mapped_column(sa.String(20), default=PURPOSE_MESSAGE, info={"labels": DeliveryPurpose})
    round: Mapped[int] = mapped_column(default=0)
    state: Mapped[DeliveryState] = mapped_column(str_enum(DeliveryState, 20), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    enqueued_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    sending_since: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]  # provider receipt, where the provider sends one
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    provider_ref: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    # which of the channel's providers (failover: "primary" or "backup") sent it, or holds it: set when claimed, and
    # cleared again only when the try surely did not leave, so a message that may have left is never sent elsewhere
    provider: Mapped[str | None] = mapped_column(sa.String(20))

    recipient: Mapped[MessageRecipient | None] = relationship()
    message: Mapped[Message] = relationship()

    __table_args__ = (
        sa.Index("ix_delivery_message_state", "message_id", "state"),
        sa.Index("ix_delivery_state_next", "state", "next_attempt_at"),
    )

    @property
    def state_label(self) -> str:
        return self.state.label


class OutboxMessage(db.Model):
    """The built-in sink: what each person would have received when Vigie runs without real channels."""

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(40), index=True)
    address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    reference: Mapped[str] = mapped_column(sa.String(80), index=True)
    message_id: Mapped[int | None] = mapped_column(index=True)  # the outbox Message (attachments are there)
    attachment_names: Mapped[list] = mapped_column(sa.JSON, default=list)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ReceivedReply(db.Model):
    """An SMS reply the provider forwarded, by its provider id: taken once, matched or not (a replay is refused)."""

    __tablename__ = "sms_reply_received"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_ref: Mapped[str] = mapped_column(sa.String(120), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    topic: Mapped[str | None] = mapped_column(sa.String(60))  # the domain that took it; None: nobody did


class ProviderState(db.Model):
    """Which provider a channel sends through now (the failover's state when Vigie runs without Redis)."""

    __tablename__ = "channel_provider_state"

    channel: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    active: Mapped[str] = mapped_column(sa.String(20), default="primary")
    since: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    errors_in_row: Mapped[int] = mapped_column(default=0)
    last_error_at: Mapped[datetime | None]


class ProviderSwitch(db.Model):
    """One switch of a channel from one provider to the other, with its reason: the history the pages show."""

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(40))
    from_provider: Mapped[str] = mapped_column(sa.String(20))
    to_provider: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.String(300))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
