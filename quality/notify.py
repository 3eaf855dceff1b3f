"""The one point where quality hands a message to the outbox (crisis_app.core.notifications.outbox).

The outbox adds its rows to the caller's transaction and fans out after the commit, so an acknowledgement or a
reminder is sent if and only if the change it reports is committed. Tests patch ``send``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.outbox import Recipient


@dataclass(frozen=True)
class Person:
    """Whom a message goes to: a name and an e-mail address (quality writes to accounts, by e-mail)."""

    name: str
    email: str
    ref_type: str = "user"
    ref_id: int | None = None
    mobile: str | None = None


@dataclass(frozen=True)
class Outgoing:
    topic: str
    subject: str
    email_text: str
    recipients: list[Person] = field(default_factory=list)
    about: tuple[str, int] | None = None
    label: str = ""
    sms_text: str = ""  # when set, the message also goes by SMS to whoever has a mobile


def send(message: Outgoing) -> int:
    """Queue ``message`` through the outbox in the current transaction; returns how many people it is for."""
    if not message.recipients:
        return 0
    queued = outbox.send_message(
        topic=message.topic, subject=message.subject, sms_text=message.sms_text, email_text=message.email_text,
        recipients=[Recipient(name=p.name, email=p.email, ref_type=p.ref_type, ref_id=p.ref_id,
                              sms=p.mobile if message.sms_text else None) for p in message.recipients],
        channels=("email", "sms") if message.sms_text else ("email",), first_channel_only=not message.sms_text,
        about=message.about, label=message.label,
        read_permission="quality.manage")
    return queued.recipient_count
