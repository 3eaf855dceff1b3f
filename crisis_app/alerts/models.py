"""Alerts: a message of the outbox with a question, answers, escalation, cancel and end.

The alert's text, recipients and deliveries live in the outbox (``crisis_app.core.notifications``); an alert adds
what only an alert has: its audience, crisis, question and options, each person's answers and relaunch rounds.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.core.notifications.models import Message, MessageRecipient
from crisis_app.core.vocabulary import QuestionKind

TOPIC = "alert"


class AlertStatus(LabelledStrEnum):
    ACTIVE = "active", "en cours"
    CANCELLED = "cancelled", "annulée"
    ENDED = "ended", "terminée"


class Alert(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("message.id", ondelete="SET NULL"), unique=True)
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
    sender_name: Mapped[str | None] = mapped_column(sa.String(200))  # named in every message
    cancelled_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_text: Mapped[str | None] = mapped_column(sa.String(640))
    unreachable_count: Mapped[int] = mapped_column(default=0)  # in the audience, but no contact or no consent
    reply_code: Mapped[str | None] = mapped_column(sa.String(2))  # "A": SMS replies "A1", "A2"… (alerts.replies)

    message: Mapped[Message | None] = relationship()
    recipients: Mapped[list[AlertRecipient]] = relationship(back_populates="alert", cascade="all, delete-orphan",
                                                            order_by="AlertRecipient.name")

    @property
    def asks(self) -> bool:
        return self.question_kind is not QuestionKind.NONE

    def option_label(self, code: str | None) -> str | None:
        return next((o["label"] for o in self.options if o["code"] == code), None)

    def option(self, code: str | None) -> dict | None:
        return next((o for o in self.options if o["code"] == code), None)

    def answer_label(self, code: str | None, value: str | None) -> str | None:
        """« Cabinet ouvert jusqu'à 20 h »: the option's label with its typed value, if any."""
        from crisis_app.alerts.rules import value_label

        option = self.option(code)
        if option is None:
            return None
        return f"{option['label']} {value_label(option.get('value'), value)}".strip() if value else option["label"]


class AlertRecipient(db.Model):
    """A person an alert was sent to, with their answer and relaunch rounds; contacts are copied at send time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    message_recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("message_recipient.id", ondelete="SET NULL"), unique=True)
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
    # mobilisation (alerts.mobilisation): the person's profession, wave, quota, what their answer did to it, and
    # when they were told « c'est complet »
    profession_code: Mapped[str | None] = mapped_column(sa.String(8))
    wave: Mapped[int] = mapped_column(default=0)
    quota_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alert_quota.id", ondelete="SET NULL"), index=True)
    quota_status: Mapped[str | None] = mapped_column(sa.String(10))
    told_complete_at: Mapped[datetime | None]
    answer_value: Mapped[str | None] = mapped_column(sa.String(16))  # the typed value of the answer ("20:00", "3")
    asked_at: Mapped[datetime | None]  # when added after the alert left (alerts.followup); None: with the alert

    alert: Mapped[Alert] = relationship(back_populates="recipients")
    message_recipient: Mapped[MessageRecipient | None] = relationship()
    answers: Mapped[list[AlertAnswer]] = relationship(back_populates="recipient", cascade="all, delete-orphan",
                                                      order_by="AlertAnswer.at")

    __table_args__ = (sa.UniqueConstraint("alert_id", "professional_id", name="one_per_person"),)


class AlertAnswer(db.Model):
    """Every answer given, in order: a changed answer keeps its history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("alert_recipient.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str | None] = mapped_column(sa.String(500))
    via: Mapped[str] = mapped_column(sa.String(12))  # lien | sms | api
    at: Mapped[datetime] = mapped_column(default=utcnow)
    provider_ref: Mapped[str | None] = mapped_column(sa.String(120), unique=True)  # an SMS reply's id: used once
    quota_status: Mapped[str | None] = mapped_column(sa.String(10))  # what it did to a quota (trigger mob01 copies)
    value: Mapped[str | None] = mapped_column(sa.String(16))  # the option's typed value, as stored

    recipient: Mapped[AlertRecipient] = relationship(back_populates="answers")
