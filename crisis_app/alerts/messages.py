"""What each delivery says, per channel and purpose."""

from __future__ import annotations

from flask import current_app

from crisis_app.alerts import links
from crisis_app.alerts.models import Alert, AlertKind, Delivery, Purpose
from crisis_app.core.notifications import OutgoingMessage
from crisis_app.core.notifications.registry import EMAIL

EXERCISE_PREFIX = "EXERCICE — "


def _prefix(alert: Alert) -> str:
    return EXERCISE_PREFIX if alert.is_exercise else ""


def subject(alert: Alert, purpose: Purpose) -> str:
    head = "Fin d'alerte : " if purpose is Purpose.END else "Relance : " if purpose is Purpose.ESCALATION else ""
    return f"{_prefix(alert)}{head}{alert.title}"


def _codes(alert: Alert) -> str:
    return " · ".join(f"{o['code']} {o['label']}" for o in alert.options)


def sms_body(alert: Alert, delivery: Delivery) -> str:
    if delivery.purpose is Purpose.END:
        return f"{_prefix(alert)}Fin d'alerte : {alert.end_text or alert.title}"
    text = f"{_prefix(alert)}{'Relance : ' if delivery.purpose is Purpose.ESCALATION else ''}{alert.sms_text}"
    if alert.kind is AlertKind.CONFIRMATION and delivery.recipient is not None:
        return f"{text} {links.confirm_url(delivery.recipient)}"
    if alert.asks and delivery.recipient is not None:
        text += f" Répondre : {links.answer_url(delivery.recipient)}"
        if current_app.config["SMS_REPLIES"]:
            text += f" ou par SMS : {_codes(alert)}"
    return text


def email_body(alert: Alert, delivery: Delivery) -> str:
    if delivery.purpose is Purpose.END:
        return f"{_prefix(alert)}{alert.end_text or 'Fin d’alerte.'}\n\n({alert.title})\n"
    body = f"{_prefix(alert)}{alert.email_text}\n"
    if alert.kind is AlertKind.CONFIRMATION and delivery.recipient is not None:
        body += f"\nVérifiez ou corrigez vos coordonnées : {links.confirm_url(delivery.recipient)}\n"
    if alert.asks and delivery.recipient is not None:
        choices = "\n".join(f"  - {o['label']}" for o in alert.options)
        body += f"\nRépondez en un clic : {links.answer_url(delivery.recipient)}\n{choices}\n"
    if alert.is_exercise:
        body += "\nCeci est un EXERCICE : aucune action réelle n'est demandée.\n"
    return body


def build(alert: Alert, delivery: Delivery) -> OutgoingMessage:
    if delivery.channel == EMAIL:
        return OutgoingMessage(reference=delivery.reference, address=delivery.address,
                               subject=subject(alert, delivery.purpose), body=email_body(alert, delivery),
                               headers={"X-Vigie-Alert": str(alert.id)})
    return OutgoingMessage(reference=delivery.reference, address=delivery.address,
                           subject=subject(alert, delivery.purpose), body=sms_body(alert, delivery))
