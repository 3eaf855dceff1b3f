"""What each delivery of an alert says, per channel and purpose: the outbox calls this renderer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from crisis_app.alerts import links, replies
from crisis_app.alerts.mobilisation.services import PURPOSE_COMPLETE
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core import gsm
from crisis_app.core.db import db, detached_copy
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import PURPOSE_END, PURPOSE_ESCALATION

EXERCISE_PREFIX = "EXERCICE — "
# What Vigie adds to an SMS fits GSM-7 (core.gsm): one "—" or "«" would make every SMS UCS-2, 70 characters per SMS.
SMS_EXERCISE_PREFIX = "EXERCICE - "


def _prefix(alert: Alert) -> str:
    return EXERCISE_PREFIX if alert.is_exercise else ""


def subject(alert: Alert, purpose: str) -> str:
    head = {PURPOSE_END: "Fin d'alerte : ", PURPOSE_COMPLETE: "C'est complet : ",
            PURPOSE_ESCALATION: "Relance : "}.get(purpose, "")
    return f"{_prefix(alert)}{head}{alert.title}"


def codes(alert: Alert) -> str:
    """The reply codes, "A1 Disponible / A2 …" (alerts.replies)."""
    return replies.choices(alert)


def signature(alert: Alert) -> str:
    """Who sends: the person and the CPTS, named in every message."""
    cpts = current_app.config["CPTS_NAME"]
    return f"{alert.sender_name}, {cpts}" if alert.sender_name else cpts


def sms_body(alert: Alert, purpose: str, answer_url: str | None) -> str:
    """The SMS exactly as it leaves (the composer's confirmation counts segments on this text)."""
    prefix = SMS_EXERCISE_PREFIX if alert.is_exercise else ""
    if purpose == PURPOSE_END:
        return f"{prefix}{gsm.replace(current_app.config['CPTS_NAME'])} : fin de l'alerte " \
               f"\"{gsm.replace(alert.title)}\" : {alert.end_text or ''}".rstrip(" :")
    if purpose == PURPOSE_COMPLETE:
        return (f"{prefix}\"{gsm.replace(alert.title)}\" : merci, c'est complet, assez de personnes sont disponibles. "
                f"Disponible malgré tout ? Réserve : {answer_url or ''} - {gsm.replace(signature(alert))}")
    text = f"{prefix}{'Relance : ' if purpose == PURPOSE_ESCALATION else ''}{alert.sms_text}"
    if alert.asks and answer_url:
        text += f" Répondre : {answer_url}"
        if current_app.config["SMS_REPLIES"]:
            text += f" ou par SMS : {codes(alert)}"
    return f"{text} - {gsm.replace(signature(alert))}"


def email_body(alert: Alert, purpose: str, answer_url: str | None) -> str:
    if purpose == PURPOSE_END:
        return (f"{_prefix(alert)}Fin de l'alerte « {alert.title} ».\n\n{alert.end_text or ''}\n\n"
                f"{signature(alert)}\n")
    if purpose == PURPOSE_COMPLETE:
        return (f"{_prefix(alert)}« {alert.title} » : merci, c'est complet. Assez de personnes ont dit oui, "
                f"vous n'êtes pas attendu(e).\n\nSi vous êtes disponible quand même, dites-le ici : vous serez sur la "
                f"liste de réserve.\n{answer_url or ''}\n\n{signature(alert)}\n")
    body = f"{_prefix(alert)}{alert.email_text}\n"
    if alert.asks and answer_url:
        choices = "\n".join(f"  - {o['label']}" for o in alert.options)
        body += f"\nRépondez en un clic : {answer_url}\n{choices}\n"
    if alert.is_exercise:
        body += "\nCeci est un EXERCICE : aucune action réelle n'est demandée.\n"
    return body + f"\n{signature(alert)}\n"


def _alert_of(ctx: outbox.RenderContext) -> tuple[Alert, dict[int, int]]:
    key = ("alert", ctx.message.id)
    if key not in ctx.cache:
        # a copy kept for the whole batch, across the engine's rollbacks
        alert = detached_copy(db.session.scalar(sa.select(Alert).where(Alert.message_id == ctx.message.id)))
        ids = dict(db.session.execute(sa.select(AlertRecipient.message_recipient_id, AlertRecipient.id)
                                      .where(AlertRecipient.alert_id == alert.id)).all())
        ctx.cache[key] = (alert, ids)
    return ctx.cache[key]


def render(ctx: outbox.RenderContext) -> outbox.Rendered:
    alert, recipient_ids = _alert_of(ctx)
    purpose = ctx.delivery.purpose
    url = None
    if ctx.recipient is not None and ctx.recipient.id in recipient_ids:
        url = links.answer_url(alert.id, recipient_ids[ctx.recipient.id])
    return outbox.Rendered(subject=subject(alert, purpose), sms_text=sms_body(alert, purpose, url),
                           email_text=email_body(alert, purpose, url), headers={"X-Vigie-Alert": str(alert.id)})

