"""Composing, sending, cancelling and ending alerts, and recording answers.

``send_alert`` writes the alert and its outbox message (recipients, one delivery per recipient and channel) in
one transaction with its audit row; the outbox enqueues the fan-out only after that commit, and the periodic
sweeper enqueues again whatever a lost message or a dead worker left behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from crisis_app.alerts import recipients, replies, signals
from crisis_app.alerts.mobilisation import services as mobilisation
from crisis_app.alerts.models import TOPIC, Alert, AlertAnswer, AlertRecipient, AlertStatus
from crisis_app.alerts.rules import escalation_channel, parse_value, should_escalate, sms_size, value_label
from crisis_app.alerts.schemas import AlertInputSchema
from crisis_app.core import audit, crisis_context, gsm
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import PURPOSE_END, PURPOSE_ESCALATION, Delivery
from crisis_app.core.notifications.registry import ROOM_PREFIX, available_channels
from crisis_app.core.vocabulary import QuestionKind, options_for
from crisis_app.directory import contacts
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional

CHANNEL_NAMES = {"sms": "SMS", "email": "e-mail"}
ANSWER_WAYS = {"lien": "par son lien", "sms": "par SMS", "api": "par l'API"}  # AlertAnswer.via, in words


def _invalid(fields: dict) -> ServiceError:
    return ServiceError("validation_error", "Alerte invalide : corrigez les champs signalés.",
                        fields={k: _flat(v) for k, v in fields.items()})


def _flat(messages: Any, where: str = "") -> list[str]:
    """A field's messages as lines, a nested one (``quotas`` line 2, ``count``) named where it is."""
    if isinstance(messages, dict):
        return [m for key, value in messages.items()
                for m in _flat(value, f"{where}ligne {key + 1} : " if isinstance(key, int) else f"{where}{key} : ")]
    if isinstance(messages, list):
        return [m for value in messages for m in _flat(value, where)]
    return [f"{where}{messages}"]


def validate(data: Mapping[str, Any]) -> tuple[dict, Audience, crisis_context.CrisisInfo | None]:
    """The composed alert, its audience and crisis, or a ServiceError naming each wrong field (``clean["plan"]``:
    its quotas and waves)."""
    try:
        clean = AlertInputSchema().load(dict(data))
    except ValidationError as exc:
        raise _invalid(exc.messages) from None
    errors: dict[str, list[str]] = {}
    offered = {c.kind for c in available_channels()}
    if unknown := [c for c in clean["channels"] if c not in offered]:
        errors["channels"] = [f"Canal non configuré : {', '.join(unknown)}."]
    audience = db.session.get(Audience, clean["audience_id"])
    if audience is None:
        errors["audience_id"] = ["Audience introuvable."]
    elif audience.for_exercises and not clean["is_exercise"]:
        errors["audience_id"] = ["Cette audience est réservée aux exercices : cochez « Exercice »."]
    crisis = None
    if clean.get("crisis_id"):
        crisis = crisis_context.get(clean["crisis_id"])
        if crisis is None or not crisis.active:
            errors["crisis_id"] = ["Crise introuvable ou close."]
    plan_errors, clean["plan"] = mobilisation.check(clean, audience)
    errors.update(plan_errors)
    if errors:
        raise _invalid(errors)
    return clean, audience, crisis


def resolve(audience: Audience) -> list[Professional]:
    """The audience's people, now (a saved filter is resolved when the alert leaves)."""
    return list(db.session.scalars(audiences.statement(audience).options(selectinload(Professional.consents))))


def new_alert(*, actor: User, clean: dict, audience: Audience, crisis) -> Alert:
    question = QuestionKind(clean["question"])
    return Alert(title=clean["title"].strip(), sms_text=clean["sms_text"].strip(),
                 email_text=clean["email_text"].strip(), channels=clean["channels"], audience_id=audience.id,
                 audience_name=audience.name, crisis_id=crisis.id if crisis else None,
                 is_exercise=clean["is_exercise"], question_kind=question,
                 options=clean.get("options") or options_for(question.value), allow_comment=clean["allow_comment"],
                 escalation_minutes=clean.get("escalation_minutes"), escalation_max=clean["escalation_max"],
                 created_by_id=actor.id, sender_name=actor.full_name,
                 created_at=utcnow(), reply_code=replies.next_code() if question is not QuestionKind.NONE else None)


def _recipients_of(actor: User, audience: Audience, alert: Alert) -> list[Professional]:
    """The audience now, without the sender (they are not their own recipient)."""
    people = resolve(audience)
    return [p for p in people if p.user_id is None or p.user_id != actor.id]


def _asked(actor: User, audience: Audience, alert: Alert, plan: mobilisation.Plan) -> list[Professional]:
    """Who the alert's first message goes to: the audience, narrowed to the professions counted when it has quotas."""
    return mobilisation.narrow(_recipients_of(actor, audience, alert), plan)


def preview(*, actor: User, data: Mapping[str, Any]) -> dict[str, Any]:
    """What a send would do, written nowhere: the exact SMS as it leaves, people and messages per channel."""
    from crisis_app.alerts import messages

    clean, audience, crisis = validate(data)
    alert = new_alert(actor=actor, clean=clean, audience=audience, crisis=crisis)
    people = _asked(actor, audience, alert, clean["plan"])
    recipients = [r for r in contacts.recipients_for(people, alert.channels) if r.sms or r.email]
    per_channel = {c: 0 for c in alert.channels}
    for r in recipients:
        reachable = [c for c in alert.channels if r.address_for(c)]
        for c in reachable[:1] if alert.escalation_max else reachable:
            per_channel[c] += 1
    for room in (c for c in alert.channels if c.startswith(ROOM_PREFIX)):
        per_channel[room] = 1
    sample_url = links_sample_url() if alert.asks else None
    sms = messages.sms_body(alert, "message", sample_url)
    # an SMS that sends people to their e-mail when only some get the e-mail (the others have a mobile and, with
    # relances, get the SMS first): say so before sending
    mentions_email = "mail" in alert.sms_text.lower()
    email_gap = (len(recipients) - per_channel.get("email", 0)) if mentions_email else 0
    return {"alert": alert, "audience": audience, "crisis": crisis, "people": len(recipients), "plan": clean["plan"],
            "email_gap": email_gap,
            "unreachable": len(people) - len(recipients), "per_channel": per_channel, "sms": sms,
            "sms_size": sms_size(sms), "email": messages.email_body(alert, "message", sample_url),
            "subject": messages.subject(alert, "message")}


def links_sample_url() -> str:
    """A link as long as the real ones, for counting SMS segments before the alert exists."""
    from crisis_app.alerts import links

    return links.answer_url(9_999_999, 9_999_999)


@atomic()
def send_alert(*, actor: User, data: Mapping[str, Any]) -> Alert:
    """Validate, resolve the audience now, and write the alert with all its deliveries in the caller's unit of
    work; the fan-out is enqueued only when that unit commits."""
    clean, audience, crisis = validate(data)
    alert = new_alert(actor=actor, clean=clean, audience=audience, crisis=crisis)
    people = _asked(actor, audience, alert, clean["plan"])
    reachable = any(r.sms or r.email for r in contacts.recipients_for(people, alert.channels))
    if not reachable and not any(c.startswith(ROOM_PREFIX) for c in alert.channels):
        raise ServiceError("nobody_reachable", "Personne dans cette audience n'est joignable sur les canaux choisis "
                           "(coordonnées ou consentement manquants).", field="audience_id")
    message = _write(alert, people, actor=actor, plan=clean["plan"])
    summary = (f"{'Exercice' if alert.is_exercise else 'Alerte'} « {alert.title} » envoyée à "
               f"{pluriel(message.recipient_count, 'personne', 'personnes')} de l'audience « {audience.name} » "
               f"({pluriel(alert.unreachable_count, 'injoignable', 'injoignables')}), "
               f"{pluriel(message.delivery_count, 'message', 'messages')} par "
               f"{', '.join(CHANNEL_NAMES.get(c, c) for c in alert.channels)}")
    audit.record(actor=actor, action="alert.send", object_type="alert", object_id=alert.id, summary=summary,
                 changes={"recipients": [None, message.recipient_count], "deliveries": [None, message.delivery_count]})
    signals.alert_sent.send(alert, crisis_id=alert.crisis_id, actor=actor, summary=summary)
    return alert


def _write(alert: Alert, people: list[Professional], *, actor: User, plan: mobilisation.Plan | None = None):
    """Add the alert, its outbox message and one alert recipient per reachable person (one set-based INSERT) to
    the session; with quotas, its quotas and waves too."""
    db.session.add(alert)
    db.session.flush()
    quota_ids = mobilisation.start(alert, plan) if plan else {}
    message = outbox.send_message(
        topic=TOPIC, subject=alert.title, sms_text=alert.sms_text, email_text=alert.email_text,
        recipients=contacts.recipients_for(people, alert.channels), channels=alert.channels,
        first_channel_only=bool(alert.escalation_max), about=("alert", alert.id), author=actor,
        label=alert.audience_name)
    alert.message = message
    written = recipients.write(alert, list(message.recipients), people, wave=0, quota_ids=quota_ids,
                               now=alert.created_at)
    alert.unreachable_count = message.unreachable_count
    if plan:
        mobilisation.first_wave_asked(alert, written)
    db.session.flush()
    return message


@atomic()
def cancel_alert(*, actor: User, alert: Alert) -> int:
    """Stop what has not left yet; messages already sent stay sent; answers are no longer taken."""
    if alert.status is not AlertStatus.ACTIVE:
        raise ServiceError("not_active", "Cette alerte n'est plus en cours.", status=409)
    cancelled = outbox.cancel_pending(alert.message_id) if alert.message_id else 0
    alert.status, alert.cancelled_at = AlertStatus.CANCELLED, utcnow()
    summary = (f"Alerte « {alert.title} » annulée : "
               f"{pluriel(cancelled, 'message non envoyé retenu', 'messages non envoyés retenus')}")
    audit.record(actor=actor, action="alert.cancel", object_type="alert", object_id=alert.id, summary=summary)
    signals.alert_cancelled.send(alert, crisis_id=alert.crisis_id, actor=actor, summary=summary)
    return cancelled


@atomic()
def end_alert(*, actor: User, alert: Alert, text: str) -> int:
    """Close the alert and tell every recipient, on the channels they were alerted on, that it is over."""
    text = (text or "").strip()
    if not text or len(text) > 480:
        raise ServiceError("validation_error", "Le message de fin est obligatoire (480 caractères au plus).",
                           field="text")
    if alert.status is AlertStatus.ENDED:
        raise ServiceError("already_ended", "La fin de cette alerte a déjà été envoyée.", status=409)
    if alert.message is None:
        raise ServiceError("not_active", "Cette alerte n'a pas de message à clore.", status=409)
    outbox.cancel_pending(alert.message_id)
    alert.status, alert.ended_at, alert.end_text = AlertStatus.ENDED, utcnow(), text
    sent = 0
    for recipient in alert.recipients:
        if recipient.message_recipient is not None:
            sent += len(outbox.add_deliveries(alert.message, recipient.message_recipient, recipient.channels,
                                              purpose=PURPOSE_END))
    figures = counts(alert)
    summary = (f"Fin de l'alerte « {alert.title} » : {pluriel(figures['answered'], 'réponse', 'réponses')} sur "
               f"{pluriel(figures['recipients'], 'personne', 'personnes')} ; message de fin envoyé ({sent})")
    audit.record(actor=actor, action="alert.end", object_type="alert", object_id=alert.id, summary=summary)
    signals.alert_ended.send(alert, crisis_id=alert.crisis_id, actor=actor, summary=summary)
    return sent


def running_alerts_of_crisis(crisis_id: int) -> list[Alert]:
    """The crisis's alerts still taking answers (and relancing the silent)."""
    return list(db.session.scalars(sa.select(Alert).where(Alert.crisis_id == crisis_id,
                                                          Alert.status == AlertStatus.ACTIVE).order_by(Alert.id)))


def crisis_end_text(title: str) -> str:
    """The end message sent, by default, to everyone a crisis alerted when the crisis closes."""
    return f"Crise \"{gsm.replace(title[:200])}\" close : merci de votre mobilisation, aucune réponse attendue."


@atomic()
def end_alerts_of_crisis(*, actor: User, crisis_id: int, text: str | None) -> dict[str, int]:
    """A crisis owns its alerts: when it closes, each alert still running ends at once (nothing pending leaves, no
    relance, no answer taken). With ``text`` the end message goes to the people alerted; without, they end silently."""
    running = running_alerts_of_crisis(crisis_id)
    figures = {"alerts": 0, "sent": 0}
    for alert in running:
        figures["alerts"] += 1
        if text and alert.message is not None:
            figures["sent"] += end_alert(actor=actor, alert=alert, text=text)
            continue
        held = outbox.cancel_pending(alert.message_id) if alert.message_id else 0
        alert.status, alert.ended_at = AlertStatus.ENDED, utcnow()
        summary = (f"Alerte « {alert.title} » terminée avec la crise, sans message de fin ; "
                   f"{pluriel(held, 'message non envoyé retenu', 'messages non envoyés retenus')}")
        audit.record(actor=actor, action="alert.end", object_type="alert", object_id=alert.id, summary=summary)
        signals.alert_ended.send(alert, crisis_id=alert.crisis_id, actor=actor, summary=summary)
    return figures


def end_preview(*, alert: Alert, text: str) -> dict[str, Any]:
    """The end message as it will leave, and to how many people on which channels."""
    from crisis_app.alerts import messages

    shown = Alert(title=alert.title, end_text=(text or "").strip(), is_exercise=alert.is_exercise,
                  sender_name=alert.sender_name, sms_text="", email_text="", options=[])
    per_channel: Counter[str] = Counter(c for r in alert.recipients for c in r.channels)
    return {"sms": messages.sms_body(shown, PURPOSE_END, None), "email": messages.email_body(shown, PURPOSE_END, None),
            "sms_size": sms_size(messages.sms_body(shown, PURPOSE_END, None)), "people": len(alert.recipients),
            "per_channel": dict(per_channel)}


# --- answers: one rule for every path (link, SMS reply, API) ------------------------------------------------

class AnswerClosed(ServiceError):
    """The alert no longer takes answers; ``status`` 410 and a message for the person."""

    def __init__(self, message: str):
        super().__init__("answers_closed", message, status=410)


def answer_deadline(alert: Alert) -> datetime:
    from datetime import timedelta

    from flask import current_app

    return alert.created_at + timedelta(days=current_app.config["ALERT_ANSWER_MAX_AGE_DAYS"])


def answer_refusal(alert: Alert, now: datetime | None = None) -> str | None:
    """Why an answer to ``alert`` would not be recorded now (None: it would be)."""
    now = now or utcnow()
    if not alert.asks:
        return "Cette alerte n'attend pas de réponse."
    if alert.status is AlertStatus.CANCELLED:
        return "Cette alerte a été annulée : aucune réponse n'est plus attendue."
    if alert.status is AlertStatus.ENDED:
        crisis = crisis_context.get(alert.crisis_id) if alert.crisis_id else None
        if crisis is not None and not crisis.active:
            return f"La crise « {crisis.title} » est close : aucune réponse n'est plus attendue. Merci."
        return "Cette alerte est terminée : aucune réponse n'est plus attendue. Merci."
    if now > answer_deadline(alert):
        return "Ce lien de réponse a expiré. Contactez la cellule de crise si besoin."
    return None


@atomic(conflict=lambda: ServiceError("replayed", "Cette réponse SMS a déjà été reçue.", status=409))
def record_answer(*, recipient: AlertRecipient, code: str, comment: str | None, via: str,
                  provider_ref: str | None = None, value: str | None = None) -> AlertAnswer:
    """Record an answer while the alert takes them; a new answer keeps the previous ones in the history, and
    keeps the earlier comment unless a new one is given. An option that asks a value (an hour, a number) needs it."""
    alert = recipient.alert
    if (refusal := answer_refusal(alert)) is not None:
        raise AnswerClosed(refusal)
    if (option := alert.option(code)) is None:
        raise ServiceError("validation_error", "Réponse inconnue.", field="code")
    try:
        value = parse_value(option.get("value"), value)
    except ValueError as exc:
        raise ServiceError("validation_error", f"« {option['label']} » : {exc}", field="value") from None
    typed = (comment or "").strip()[:500] or None if alert.allow_comment else None
    kept = typed if typed is not None else recipient.answer_comment
    now = utcnow()
    quota_status = mobilisation.settle_answer(recipient, code, now)  # None, and no statement, without quotas
    answer = AlertAnswer(recipient=recipient, code=code, comment=typed, via=via, at=now,
                         provider_ref=provider_ref, quota_status=quota_status, value=value)
    db.session.add(answer)
    before = recipient.answer_code
    # The INSERT applies the answer in the database (trigger alert_answer_applies, migration eng01): the person's
    # current answer and comment, and their sent deliveries marked answered. The loaded object is told the same
    # values as already stored, so no UPDATE follows: an answer is two INSERTs (it and its audit row).
    for name, stored in (("answer_code", code), ("answer_comment", kept), ("answered_at", answer.at),
                         ("answer_value", value)):
        set_committed_value(recipient, name, stored)
    if quota_status is not None:  # trigger alert_answer_quota (migration mob01) stored the same
        set_committed_value(recipient, "quota_status", None if quota_status == "none" else quota_status)
    audit.record(actor=None, action="alert.answer", object_type="alert", object_id=alert.id,
                 summary=f"Réponse de {recipient.name} ({ANSWER_WAYS.get(via, via)}) : {alert.option_label(code)}"
                         + (f" {value_label(option.get('value'), value)}" if value else "")
                         + (f" — « {typed} »" if typed else ""),
                 changes={"answer": [before, code]})
    return answer


# --- figures ------------------------------------------------------------------------------------------------

def counts(alert: Alert) -> dict[str, Any]:
    """Live figures per person (answered, silent, reached) and per channel and state."""
    by_state = outbox.counts_by_state(alert.message_id) if alert.message_id else {}
    by_channel = outbox.counts_by_channel(alert.message_id) if alert.message_id else {}
    answers = db.session.execute(sa.select(AlertRecipient.answer_code, sa.func.count())
                                 .where(AlertRecipient.alert_id == alert.id).group_by(AlertRecipient.answer_code)).all()
    by_answer = {code: n for code, n in answers if code is not None}
    total = sum(n for _, n in answers)
    answered = sum(by_answer.values())
    return {"recipients": total, "answered": answered, "not_answered": total - answered,
            "unreachable": alert.unreachable_count, "by_state": by_state, "by_channel": by_channel,
            "by_answer": by_answer, "people": people_counts(alert)}


def people_counts(alert: Alert) -> dict[str, int]:
    """Per person, not per delivery: reached (one message at least left), failed everywhere, waiting."""
    if not alert.message_id:
        return {"reached": 0, "failed": 0, "waiting": 0}
    reached_states = ("sent", "answered")
    rows = db.session.execute(
        sa.select(Delivery.recipient_id,
                  sa.func.max(sa.case((Delivery.state.in_(reached_states), 1), else_=0)),
                  sa.func.max(sa.case((Delivery.state.in_(("queued", "sending", "temporary_failure")), 1),
                                      else_=0)))
        .where(Delivery.message_id == alert.message_id, Delivery.recipient_id.isnot(None),
               Delivery.purpose != PURPOSE_END)
        .group_by(Delivery.recipient_id)).all()
    reached = sum(1 for _, r, _ in rows if r)
    waiting = sum(1 for _, r, w in rows if not r and w)
    return {"reached": reached, "waiting": waiting, "failed": len(rows) - reached - waiting}


def answer_summaries(alert_ids: list[int]) -> dict[int, dict[str, int]]:
    """Recipients and answers of many alerts in one query (for lists)."""
    rows = db.session.execute(sa.select(AlertRecipient.alert_id, sa.func.count(),
                                        sa.func.count(AlertRecipient.answered_at))
                              .where(AlertRecipient.alert_id.in_(alert_ids)).group_by(AlertRecipient.alert_id))
    summaries = {alert_id: {"recipients": 0, "answered": 0} for alert_id in alert_ids}
    for alert_id, total, answered in rows:
        summaries[alert_id] = {"recipients": total, "answered": answered}
    return summaries


# --- escalation: a step of the outbox's sweeper ----------------------------------------------------------------

def escalate(now: datetime) -> int:
    """A step of the outbox's sweeper (wired in ``alerts.init_app``): the next round for recipients who stayed
    silent; each round is claimed by a conditional UPDATE."""
    rows = db.session.execute(
        sa.select(AlertRecipient, Alert).join(Alert)
        .where(Alert.status == AlertStatus.ACTIVE, Alert.escalation_max > 0,
               AlertRecipient.answered_at.is_(None), AlertRecipient.rounds < Alert.escalation_max,
               AlertRecipient.told_complete_at.is_(None))).all()
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
        if not taken or recipient.message_recipient is None or alert.message is None:
            continue
        channel = escalation_channel(recipient.channels, recipient.rounds + 1)
        outbox.add_deliveries(alert.message, recipient.message_recipient, [channel], purpose=PURPOSE_ESCALATION,
                              round_number=recipient.rounds + 1)
        created += 1
    return created
