"""Composing, sending, cancelling and ending alerts, and recording answers.

``send_alert`` writes the alert, its recipients and one Delivery per recipient and channel in one transaction
with its audit row (the outbox); the fan-out is enqueued only after the commit, and the periodic sweeper
enqueues again whatever a lost message or a dead worker left behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.orm import selectinload

from crisis_app.alerts import engine
from crisis_app.alerts.engine import address_for, new_delivery
from crisis_app.alerts.models import (
    Alert,
    AlertAnswer,
    AlertKind,
    AlertRecipient,
    AlertStatus,
    Delivery,
    DeliveryState,
    Purpose,
    QuestionKind,
)
from crisis_app.alerts.rules import parse_reply
from crisis_app.alerts.schemas import AlertInputSchema
from crisis_app.alerts.templates import options_for
from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.notifications.registry import ROOM_PREFIX, available_channels
from crisis_app.crises import services as crisis_services
from crisis_app.crises.models import Crisis
from crisis_app.directory import audiences
from crisis_app.directory.models import Audience, Professional
from crisis_app.directory.validation import normalize_mobile

CANCELLABLE = (DeliveryState.QUEUED, DeliveryState.TEMPORARY_FAILURE)


def _invalid(fields: dict) -> ServiceError:
    return ServiceError("validation_error", "Alerte invalide : corrigez les champs signalés.",
                        fields={k: v if isinstance(v, list) else [str(v)] for k, v in fields.items()})


def validate(data: Mapping[str, Any]) -> tuple[dict, Audience, Crisis | None]:
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
        crisis = db.session.get(Crisis, clean["crisis_id"])
        if crisis is None or not crisis.active:
            errors["crisis_id"] = ["Crise introuvable ou close."]
    if errors:
        raise _invalid(errors)
    return clean, audience, crisis


def _recipients(alert: Alert, people: list[Professional], person_channels: list[str]) -> list[AlertRecipient]:
    recipients = []
    for person in people:
        reachable = [c for c in person_channels if person.reachable_on(c)]
        if reachable:
            unavailable = person.unavailable_until
            recipients.append(AlertRecipient(alert=alert, professional_id=person.id, name=person.display_name,
                                             mobile_phone=person.mobile_phone, email=person.email,
                                             channels=reachable, last_round_at=alert.created_at,
                                             unavailable_until=unavailable if unavailable and unavailable >
                                             alert.created_at else None))
    return recipients


def send_alert(*, actor: User, data: Mapping[str, Any]) -> Alert:
    """Validate, resolve the audience now, and write the alert with all its deliveries; then fan out."""
    clean, audience, crisis = validate(data)
    question = QuestionKind(clean["question"])
    alert = Alert(title=clean["title"].strip(), sms_text=clean["sms_text"].strip(),
                  email_text=clean["email_text"].strip(), channels=clean["channels"], audience_id=audience.id,
                  audience_name=audience.name, crisis_id=crisis.id if crisis else None,
                  is_exercise=clean["is_exercise"], question_kind=question,
                  options=clean.get("options") or options_for(question.value), allow_comment=clean["allow_comment"],
                  escalation_minutes=clean.get("escalation_minutes"), escalation_max=clean["escalation_max"],
                  created_by_id=actor.id, created_at=utcnow())
    people = list(db.session.scalars(audiences.statement(audience).options(selectinload(Professional.consents))))
    recipients, deliveries = _write(alert, people, first_channel_only=bool(alert.escalation_max))
    if not recipients and not any(c.startswith(ROOM_PREFIX) for c in alert.channels):
        db.session.rollback()
        raise ServiceError("nobody_reachable", "Personne dans cette audience n'est joignable sur les canaux choisis "
                           "(coordonnées ou consentement manquants).", field="audience_id")
    summary = (f"{'Exercice' if alert.is_exercise else 'Alerte'} « {alert.title} » envoyée à {len(recipients)} "
               f"personne(s) de l'audience « {audience.name} » ({alert.unreachable_count} injoignable(s)), "
               f"{len(deliveries)} message(s) sur {', '.join(alert.channels)}")
    audit.record(actor=actor, action="alert.send", object_type="alert", object_id=alert.id, summary=summary,
                 changes={"recipients": [None, len(recipients)], "deliveries": [None, len(deliveries)]})
    if crisis is not None:
        crisis_services.log_to_journal(crisis=crisis, actor=actor, kind="alert", text=summary)
    db.session.commit()
    engine.enqueue_alert(alert.id)
    return alert


def _write(alert: Alert, people: list[Professional], *, first_channel_only: bool
           ) -> tuple[list[AlertRecipient], list[Delivery]]:
    """Add the alert, one recipient per reachable person and their deliveries (plus one per room) to the session."""
    db.session.add(alert)
    db.session.flush()
    person_channels = [c for c in alert.channels if not c.startswith(ROOM_PREFIX)]
    recipients = _recipients(alert, people, person_channels)
    deliveries = [new_delivery(alert, r, c, address=address_for(r, c))
                  for r in recipients for c in (r.channels[:1] if first_channel_only else r.channels)]
    deliveries += [new_delivery(alert, None, room, address=room[len(ROOM_PREFIX):])
                   for room in alert.channels if room.startswith(ROOM_PREFIX)]
    alert.unreachable_count = len(people) - len(recipients)
    db.session.add_all(recipients + deliveries)
    return recipients, deliveries


def send_notice(*, actor: User | None, kind: AlertKind, title: str, sms_text: str, email_text: str,
                people: list[Professional], channels: list[str], label: str) -> Alert | None:
    """A message Vigie sends on its own behalf to given people, each on the first of ``channels`` they can be
    reached on (consent in force). None when no channel is configured or nobody is reachable."""
    offered = {c.kind for c in available_channels()}
    channels = [c for c in channels if c in offered and not c.startswith(ROOM_PREFIX)]
    if not channels or not people:
        return None
    alert = Alert(kind=kind, title=title, sms_text=sms_text, email_text=email_text, channels=channels,
                  audience_name=label, question_kind=QuestionKind.NONE, options=[],
                  created_by_id=actor.id if actor else None, created_at=utcnow())
    recipients, deliveries = _write(alert, people, first_channel_only=True)
    if not recipients:
        db.session.rollback()
        return None
    audit.record(actor=actor, action=f"alert.{kind.value}", object_type="alert", object_id=alert.id,
                 summary=f"Message « {title} » envoyé à {len(recipients)} personne(s) ({label})",
                 changes={"recipients": [None, len(recipients)]})
    db.session.commit()
    engine.enqueue_alert(alert.id)
    return alert


def cancel_alert(*, actor: User, alert: Alert) -> int:
    """Stop what has not left yet; messages already sent stay sent."""
    if alert.status is not AlertStatus.ACTIVE:
        raise ServiceError("not_active", "Cette alerte n'est plus en cours.", status=409)
    cancelled = engine.cancel_pending(alert.id)
    alert.status, alert.cancelled_at = AlertStatus.CANCELLED, utcnow()
    summary = f"Alerte « {alert.title} » annulée : {cancelled} message(s) non envoyé(s) retenu(s)"
    audit.record(actor=actor, action="alert.cancel", object_type="alert", object_id=alert.id, summary=summary)
    _journal(alert, actor, summary)
    db.session.commit()
    return cancelled


def end_alert(*, actor: User, alert: Alert, text: str) -> int:
    """Close the alert and tell every recipient, on the channels they were alerted on, that it is over."""
    text = (text or "").strip()
    if not text or len(text) > 480:
        raise ServiceError("validation_error", "Le message de fin est obligatoire (480 caractères au plus).",
                           field="text")
    if alert.status is AlertStatus.ENDED:
        raise ServiceError("already_ended", "La fin de cette alerte a déjà été envoyée.", status=409)
    engine.cancel_pending(alert.id)
    alert.status, alert.ended_at, alert.end_text = AlertStatus.ENDED, utcnow(), text
    deliveries = [new_delivery(alert, r, c, address=address_for(r, c), purpose=Purpose.END)
                  for r in alert.recipients for c in r.channels]
    db.session.add_all(deliveries)
    figures = counts(alert)
    summary = (f"Fin de l'alerte « {alert.title} » : {figures['answered']} réponse(s) sur {figures['recipients']} "
               f"personne(s) ; message de fin envoyé ({len(deliveries)})")
    audit.record(actor=actor, action="alert.end", object_type="alert", object_id=alert.id, summary=summary)
    _journal(alert, actor, summary)
    db.session.commit()
    engine.enqueue_alert(alert.id)
    return len(deliveries)


def _journal(alert: Alert, actor: User | None, text: str) -> None:
    if alert.crisis_id:
        crisis = db.session.get(Crisis, alert.crisis_id)
        if crisis is not None:
            crisis_services.log_to_journal(crisis=crisis, actor=actor, kind="alert", text=text)


def record_answer(*, recipient: AlertRecipient, code: str, comment: str | None, via: str) -> AlertAnswer:
    """Record an answer (late ones count; a new answer keeps the previous ones in the history)."""
    alert = recipient.alert
    if alert.option_label(code) is None:
        raise ServiceError("validation_error", "Réponse inconnue.", field="code")
    comment = (comment or "").strip()[:500] or None if alert.allow_comment else None
    answer = AlertAnswer(recipient=recipient, code=code, comment=comment, via=via, at=utcnow())
    db.session.add(answer)
    before = recipient.answer_code
    recipient.answer_code, recipient.answer_comment, recipient.answered_at = code, comment, answer.at
    engine.mark_answered(recipient.id)
    audit.record(actor=None, action="alert.answer", object_type="alert", object_id=alert.id,
                 summary=f"Réponse de {recipient.name} ({via}) : {alert.option_label(code)}"
                         + (f" — « {comment} »" if comment else ""),
                 changes={"answer": [before, code]})
    db.session.commit()
    return answer


def answer_from_sms(*, sender: str, text: str) -> AlertAnswer | None:
    """An SMS reply forwarded by the provider: the sender's latest alert awaiting an answer gets it."""
    try:
        number = normalize_mobile(sender)
    except ValueError:
        return None
    recipient = db.session.scalar(
        sa.select(AlertRecipient).join(Alert).where(AlertRecipient.mobile_phone == number,
                                                    Alert.question_kind != QuestionKind.NONE)
        .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(1))
    if recipient is None:
        return None
    code, comment = parse_reply(text, recipient.alert.options)
    if code is None:
        audit.record(actor=None, action="alert.reply_unparsed", object_type="alert", object_id=recipient.alert_id,
                     summary=f"Réponse SMS non reconnue de {recipient.name} : « {text[:200]} »")
        db.session.commit()
        return None
    return record_answer(recipient=recipient, code=code, comment=comment, via="sms")


def counts(alert: Alert) -> dict[str, Any]:
    """Live figures: per state, per channel and state, answers; recipients answered or not."""
    rows = db.session.execute(sa.select(Delivery.channel, Delivery.state, sa.func.count())
                              .where(Delivery.alert_id == alert.id).group_by(Delivery.channel, Delivery.state)).all()
    by_state: Counter[str] = Counter()
    by_channel: dict[str, Counter[str]] = {}
    for channel, state, n in rows:
        by_state[state.value] += n
        by_channel.setdefault(channel, Counter())[state.value] += n
    answers = db.session.execute(sa.select(AlertRecipient.answer_code, sa.func.count())
                                 .where(AlertRecipient.alert_id == alert.id).group_by(AlertRecipient.answer_code)).all()
    by_answer = {code: n for code, n in answers if code is not None}
    total = sum(n for _, n in answers)
    answered = sum(by_answer.values())
    return {"recipients": total, "answered": answered, "not_answered": total - answered,
            "unreachable": alert.unreachable_count, "by_state": dict(by_state),
            "by_channel": {k: dict(v) for k, v in by_channel.items()},
            "by_answer": by_answer}


def answer_summaries(alert_ids: list[int]) -> dict[int, dict[str, int]]:
    """Recipients and answers of many alerts in one query (for lists)."""
    rows = db.session.execute(sa.select(AlertRecipient.alert_id, sa.func.count(),
                                        sa.func.count(AlertRecipient.answered_at))
                              .where(AlertRecipient.alert_id.in_(alert_ids)).group_by(AlertRecipient.alert_id))
    summaries = {alert_id: {"recipients": 0, "answered": 0} for alert_id in alert_ids}
    for alert_id, total, answered in rows:
        summaries[alert_id] = {"recipients": total, "answered": answered}
    return summaries


def apply_receipt(*, reference: str, status: str, error: str | None) -> bool:
    """A provider's delivery receipt, matched on our reference (or the provider's)."""
    delivery = db.session.scalar(sa.select(Delivery).where(sa.or_(Delivery.reference == reference,
                                                                  Delivery.provider_ref == reference)))
    if delivery is None:
        return False
    engine.apply_receipt(delivery.id, delivered=status == "delivered", error=error)
    db.session.commit()
    return True
