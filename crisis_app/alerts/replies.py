"""SMS replies: short codes for several alerts open at once, the bare rule, and a help SMS for a wrong code.

Each alert that asks a question gets, when it leaves, a letter free among the running alerts ("A", "B"…; no I or
O, read as 1 and 0; the least recently used letter first, so a code of an alert that just ended is not at once
another alert's). Its SMS says "A1 Disponible / A2 …": the letter names the alert, the digits the option's place
in its list. "B2 20h" answers alert B with its option 2 and the value 20 h; a bare reply ("1", "oui", "2 20h")
answers the latest open alert the person was asked, as before codes existed. A code that names no open alert of
theirs (or no option) gets one SMS back listing their codes, at most one per number every ``HELP_MINUTES``: two
robots answering each other stop there. Two alerts sent in the same instant may share a letter: a reply then goes
to the newer of the two the person was asked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from crisis_app.alerts import shared_mobile
from crisis_app.alerts.models import Alert, AlertAnswer, AlertRecipient, AlertStatus
from crisis_app.alerts.rules import SMS_EXAMPLES, ParsedReply, option_reply, parse_reply, short_code
from crisis_app.core import audit, audit_labels, gsm
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import Message, MessageRecipient
from crisis_app.core.vocabulary import QuestionKind
from crisis_app.directory.validation import normalize_mobile

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
HELP_TOPIC = "alert.reply_help"
HELP_MINUTES = 30

outbox.TOPIC_LABELS[HELP_TOPIC] = "Réponse SMS : codes de réponse"
outbox.TOPIC_READ_PERMISSIONS[HELP_TOPIC] = "alerts.read"
audit_labels.register_labels(actions={"alert.reply_help": "Réponse SMS avec un code inconnu",
                                      "alert.reply_unparsed": "Réponse SMS non reconnue"})


def next_code() -> str | None:
    """A letter no running alert uses, the least recently used first (None when all are taken: bare replies)."""
    used = dict(db.session.execute(sa.select(Alert.reply_code, sa.func.max(Alert.id))
                                   .where(Alert.reply_code.isnot(None)).group_by(Alert.reply_code)).all())
    taken = set(db.session.scalars(sa.select(Alert.reply_code).where(Alert.status == AlertStatus.ACTIVE,
                                                                     Alert.reply_code.isnot(None))))
    free = [letter for letter in LETTERS if letter not in taken]
    return min(free, key=lambda letter: (used.get(letter, 0), letter)) if free else None


def sms_code(alert: Alert, position: int, option: dict) -> str:
    """What a person types for an option: "A2" with the alert's letter, else the option's own code."""
    return f"{alert.reply_code}{position}" if alert.reply_code else option["code"]


def choices(alert: Alert, *, width: int = 80) -> str:
    """The options as the SMS lists them: "A1 Disponible / A2 Cabinet ouvert jusqu'a (ex. A2 20h) / …"."""
    parts = []
    for position, option in enumerate(alert.options, 1):
        code = sms_code(alert, position, option)
        example = f" (ex. {code} {SMS_EXAMPLES[option['value']]})" if option.get("value") else ""
        parts.append(f"{code} {gsm.replace(option['label'])[:width]}{example}")
    return " / ".join(parts)


def open_recipients(number: str, now: datetime | None = None) -> list[AlertRecipient]:
    """The open alerts this mobile was asked and that take answers now, newest first (one row per alert)."""
    from crisis_app.alerts.services import answer_refusal

    now = now or utcnow()
    rows = db.session.scalars(
        sa.select(AlertRecipient).join(Alert).where(AlertRecipient.mobile_phone == number,
                                                    Alert.question_kind != QuestionKind.NONE,
                                                    Alert.status == AlertStatus.ACTIVE)
        .order_by(Alert.created_at.desc(), Alert.id.desc(), AlertRecipient.id).limit(50)).all()
    seen, found = set(), []
    for r in rows:
        if r.alert_id not in seen and answer_refusal(r.alert, now) is None:
            seen.add(r.alert_id)
            found.append(r)
    return found


def recipient_for_reply(number: str, now: datetime | None = None) -> AlertRecipient | None:
    """The alert a bare SMS reply answers: the latest one that person was asked, still open, within its window."""
    found = open_recipients(number, now)
    return found[0] if found else None


def _coded(text: str, open_: list[AlertRecipient]) -> tuple[AlertRecipient | None, ParsedReply | None]:
    """The person and answer a reply with a short code names; (None, None) when the code names nothing open."""
    letter, position, rest = short_code(text)
    recipient = next((r for r in open_ if r.alert.reply_code == letter), None)
    if recipient is None or not 1 <= position <= len(recipient.alert.options):
        return None, None
    return recipient, option_reply(recipient.alert.options[position - 1], rest or None)


def answer_from_sms(reply: outbox.SmsReply) -> bool:
    """An SMS reply (core's webhook), used once (its provider id), for the alert its code or the bare rule names;
    False when the sender has no open alert to answer."""
    from crisis_app.alerts.services import record_answer

    try:
        number = normalize_mobile(reply.sender)
    except ValueError:
        return False
    if db.session.scalar(sa.select(AlertAnswer.id).where(AlertAnswer.provider_ref == reply.provider_ref)):
        raise ServiceError("replayed", "Cette réponse SMS a déjà été reçue.", status=409)
    open_ = open_recipients(number)
    if not open_:
        return False
    if short_code(reply.text) is not None:
        recipient, parsed = _coded(reply.text, open_)
        if recipient is None:
            send_help(number=number, open_=open_, problem=f"Code \"{gsm.replace(reply.text.split()[0][:8])}\" "
                                                          "inconnu pour vous.")
            return True
    else:
        recipient, parsed = open_[0], parse_reply(reply.text, open_[0].alert.options)
    if parsed.code is None:
        audit.record(actor=None, action="alert.reply_unparsed", object_type="alert", object_id=recipient.alert_id,
                     summary=f"Réponse SMS non reconnue de {recipient.name} : « {reply.text[:200]} »")
        return True
    if parsed.error:
        send_help(number=number, open_=open_, problem=f"Réponse non enregistrée : {parsed.error}")
        return True
    if len(people := shared_mobile.sharers(recipient)) > 1:  # a shared mobile: whose answer is it?
        if (recipient := shared_mobile.named_in(parsed.comment, people)) is None:
            shared_mobile.ask_which(alert=people[0].alert, number=number, people=people,
                                    code=reply.text.split()[0][:8])
            return True
    record_answer(recipient=recipient, code=parsed.code, comment=parsed.comment, value=parsed.value, via="sms",
                  provider_ref=reply.provider_ref)
    return True


def help_text(open_: list[AlertRecipient], problem: str) -> str:
    """The help SMS: what went wrong, then each open alert of the person with its codes."""
    alerts = [f"\"{gsm.replace(r.alert.title[:40])}\" : {choices(r.alert, width=30)}" for r in open_[:4]]
    return f"Vigie : {gsm.replace(problem)} Vos alertes en cours : " + " ; ".join(alerts)


def help_recently_sent(number: str, now: datetime | None = None) -> bool:
    """Whether this number had a help SMS in the last ``HELP_MINUTES`` (the limit that stops a loop)."""
    since = (now or utcnow()) - timedelta(minutes=HELP_MINUTES)
    return bool(db.session.scalar(
        sa.select(sa.func.count()).select_from(MessageRecipient).join(Message)
        .where(Message.topic == HELP_TOPIC, MessageRecipient.sms == number, Message.created_at >= since)))


def send_help(*, number: str, open_: list[AlertRecipient], problem: str) -> bool:
    """Audit the reply, and SMS the number its open codes unless it had help within ``HELP_MINUTES``."""
    limited = help_recently_sent(number)
    audit.record(actor=None, action="alert.reply_help", object_type="alert", object_id=open_[0].alert_id,
                 summary=f"Réponse SMS de {open_[0].name} non enregistrée ({problem[:120]}) : "
                         + ("aide déjà envoyée récemment, pas de nouvel SMS" if limited else "codes renvoyés par SMS"))
    if limited or "sms" not in outbox.usable_channels(["sms"]):
        return False
    outbox.send_message(topic=HELP_TOPIC, subject="Codes de réponse", sms_text=help_text(open_, problem),
                        recipients=[outbox.Recipient(name=open_[0].name, sms=number)], channels=("sms",),
                        about=("alert", open_[0].alert_id), label="Aide aux réponses SMS",
                        read_permission="alerts.read")
    return True
