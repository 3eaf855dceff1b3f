"""Alerts, their recipients and answers, and one Delivery per recipient and channel (the outbox)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow


class AlertKind(StrEnum):
    ALERT = "alert"  # a mobilisation or information alert composed by a référent
    NOTICE = "notice"  # a message Vigie sends by itself (stock warnings to the référents…)
    CONFIRMATION = "confirmation"  # asks each person to confirm their directory entry through a personal link


class AlertStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    ENDED = "ended"


class QuestionKind(StrEnum):
    NONE = "none"
    ACK = "ack"
    AVAILABILITY = "availability"


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    TEMPORARY_FAILURE = "temporary_failure"
    PERMANENT_FAILURE = "permanent_failure"
    ANSWERED = "answered"
    CANCELLED = "cancelled"


STATE_LABELS = {
    DeliveryState.QUEUED: "en file", DeliveryState.SENDING: "en cours d'envoi", DeliveryState.SENT: "envoyé",
    DeliveryState.TEMPORARY_FAILURE: "échec temporaire (nouvel essai prévu)",
    DeliveryState.PERMANENT_FAILURE: "échec définitif", DeliveryState.ANSWERED: "répondu",
    DeliveryState.CANCELLED: "annulé",
}


class Purpose(StrEnum):
    ALERT = "alert"
    ESCALATION = "escalation"
    END = "end"


class Alert(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind, 16), default=AlertKind.ALERT, index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    sms_text: Mapped[str] = mapped_column(sa.String(640))
    email_text: Mapped[str] = mapped_column(sa.Text)
    channels: Mapped[list] = mapped_column(sa.JSON)
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audience.id", ondelete="SET NULL"))
    audience_name: Mapped[str] = mapped_column(sa.String(200))
    crisis_id: Mapped[int | None] = mapped_column(sa.ForeignKey("crisis.id", ondelete="SET NULL"), index=True)
    is_exercise: Mapped[bool] = mapped_column(default=False)
    question_kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, 20), default=QuestionKind.NONE)
    options: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{"code": "1", "label": "…"}]
    allow_comment: Mapped[bool] = mapped_column(default=True)
    escalation_minutes: Mapped[int | None]
    escalation_max: Mapped[int] = mapped_column(default=0)
    status: Mapped[AlertStatus] = mapped_column(str_enum(AlertStatus, 20), default=AlertStatus.ACTIVE, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_text: Mapped[str | None] = mapped_column(sa.String(640))
    unreachable_count: Mapped[int] = mapped_column(default=0)  # in the audience, but no contact or no consent

    recipients: Mapped[list[AlertRecipient]] = relationship(back_populates="alert", cascade="all, delete-orphan",
                                                            order_by="AlertRecipient.name")

    @property
    def asks(self) -> bool:
        return self.question_kind is not QuestionKind.NONE

    def option_label(self, code: str | None) -> str | None:
        return next((o["label"] for o in self.options if o["code"] == code), None)


class AlertRecipient(db.Model):
    """A person an alert was sent to; contacts are copied at send time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int | None] = mapped_column(sa.ForeignKey("professional.id", ondelete="SET NULL"),
                                                        index=True)
    name: Mapped[str] = mapped_column(sa.String(250))
    mobile_phone: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    channels: Mapped[list] = mapped_column(sa.JSON, default=list)  # the chosen channels this person is reachable on
    # what the person declared in "Ma fiche" when the alert left: still alerted, the cellule decides
    unavailable_until: Mapped[datetime | None]
    answer_code: Mapped[str | None] = mapped_column(sa.String(16))
    answer_comment: Mapped[str | None] = mapped_column(sa.String(500))
    answered_at: Mapped[datetime | None]
    rounds: Mapped[int] = mapped_column(default=0)  # escalation rounds already sent
    last_round_at: Mapped[datetime | None]

    alert: Mapped[Alert] = relationship(back_populates="recipients")
    answers: Mapped[list[AlertAnswer]] = relationship(back_populates="recipient", cascade="all, delete-orphan",
                                                      order_by="AlertAnswer.at")

    __table_args__ = (sa.UniqueConstraint("alert_id", "professional_id", name="one_per_person"),)


class AlertAnswer(db.Model):
    """Every answer given, in order: a changed answer keeps its history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("alert_recipient.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str | None] = mapped_column(sa.String(500))
    via: Mapped[str] = mapped_column(sa.String(12))  # link | sms
    at: Mapped[datetime] = mapped_column(default=utcnow)

    recipient: Mapped[AlertRecipient] = relationship(back_populates="answers")


class Delivery(TimestampMixin, db.Model):
    """One message to one recipient on one channel; every state change is a conditional UPDATE."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40), unique=True)  # idempotency key, stable across retries
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id", ondelete="CASCADE"))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alert_recipient.id", ondelete="CASCADE"),
                                                     index=True)
    channel: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(254))
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose, 12), default=Purpose.ALERT)
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

    recipient: Mapped[AlertRecipient | None] = relationship()

    __table_args__ = (
        sa.Index("ix_delivery_alert_state", "alert_id", "state"),
        sa.Index("ix_delivery_state_next", "state", "next_attempt_at"),
    )
