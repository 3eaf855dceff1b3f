"""The freshness campaign: ask every entry not confirmed lately to check its details through a personal link.

The message goes through the outbox (one tracked delivery per person, retries, the built-in sink in the demo);
each person's link is signed for that person and that campaign (``core.links``), written by the renderer below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import current_app

from crisis_app.core import audit, links
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import Message, MessageRecipient
from crisis_app.directory import contacts
from crisis_app.directory.professionals import services
from crisis_app.directory.professionals.models import Professional

TOPIC = "directory.confirmation"
CONFIRM = "confirm"
CHANNELS = ("email", "sms")
SELF_EDITABLE = ("mobile_phone", "email")
LINK_MAX_AGE = timedelta(days=30)
INVALID = "Ce lien de confirmation n'est pas valide."


def texts() -> dict[str, str]:
    cpts = current_app.config["CPTS_NAME"]
    return {"subject": "Confirmez vos coordonnées",
            "sms_text": f"{cpts} : merci de vérifier vos coordonnées pour les alertes de crise :",
            "email_text": (f"Bonjour,\n\n{cpts} tient à jour l'annuaire qui sert à vous joindre en cas de crise "
                           "sanitaire. Merci de vérifier votre mobile et votre adresse e-mail, en un clic.")}


def confirm_url(message_id: int, recipient_id: int) -> str:
    return links.public_url(f"/confirmer/{links.make_token(CONFIRM, 'message', message_id, recipient_id)}")


@outbox.renderer(TOPIC)
def _render(ctx: outbox.RenderContext) -> outbox.Rendered:
    message, url = ctx.message, confirm_url(ctx.message.id, ctx.recipient.id) if ctx.recipient else ""
    return outbox.Rendered(subject=message.subject, sms_text=f"{message.sms_text} {url}",
                           email_text=f"{message.email_text}\n\nVérifiez ou corrigez vos coordonnées : {url}\n")


outbox.TOPIC_LABELS[TOPIC] = "Confirmation de l'annuaire"


def preview() -> dict[str, Any]:
    """Who the campaign would reach, on which channel, with the exact SMS (nothing written)."""
    people = services.entries_to_confirm()
    recipients = [r for r in contacts.recipients_for(people, CHANNELS) if r.sms or r.email]
    per_channel = {"email": sum(1 for r in recipients if r.email),
                   "sms": sum(1 for r in recipients if not r.email and r.sms)}
    sample = texts()["sms_text"] + " " + confirm_url(9_999_999, 9_999_999)
    return {"entries": len(people), "people": len(recipients), "unreachable": len(people) - len(recipients),
            "per_channel": per_channel, "sms": sample}


@atomic()
def start(*, actor: User) -> Message:
    """Send the confirmation request to the entries to confirm (e-mail first, else SMS), with its audit row."""
    people = services.entries_to_confirm()
    if not people:
        raise ServiceError("nothing_to_confirm", "Toutes les fiches actives ont été confirmées récemment.",
                           status=409)
    label = f"Campagne de confirmation ({len(people)} fiches)"
    message = outbox.send_message(topic=TOPIC, recipients=contacts.recipients_for(people, CHANNELS),
                                  channels=CHANNELS, first_channel_only=True, author=actor, label=label,
                                  about=("directory", 0), **texts())
    if not message.delivery_count:  # raised out of this unit: the message and its fan-out are dropped with it
        raise ServiceError("nobody_reachable", "Aucune des fiches à confirmer n'est joignable (coordonnées ou "
                           "consentement manquants, ou aucun canal configuré).", status=409)
    audit.record(actor=actor, action="directory.campaign", object_type="message", object_id=message.id,
                 summary=f"Demande de confirmation envoyée à {message.recipient_count} personne(s) ({label})",
                 changes={"recipients": [None, message.recipient_count]})
    return message


def recipient_for_link(token: str) -> tuple[MessageRecipient, Professional]:
    """The person a confirmation link designates; ``links.LinkError`` if forged, expired or not a campaign."""
    recipient_id, sig = links.subject_of(token, INVALID)
    recipient = db.session.get(MessageRecipient, recipient_id)
    if recipient is None or recipient.message.topic != TOPIC or recipient.ref_type != "professional":
        raise links.LinkError(404, INVALID)
    # "alert" scope: links sent before the outbox moved to core (their message keeps the alert's id)
    if not any(links.verify(sig, CONFIRM, scope, recipient.message_id, recipient.id) for scope in ("message", "alert")):
        raise links.LinkError(404, INVALID)
    if utcnow() - recipient.message.created_at > LINK_MAX_AGE:
        raise links.LinkError(410, "Ce lien de confirmation a expiré : l'annuaire vous en enverra un nouveau.")
    professional = db.session.get(Professional, recipient.ref_id)
    if professional is None:
        raise links.LinkError(404, INVALID)
    return recipient, professional


@atomic()
def confirm(*, professional: Professional, data: Mapping[str, Any] | None = None) -> list:
    """Confirm the entry. A corrected mobile or e-mail is not written: a code is sent to it and the value reaches
    the entry when the code is typed on the same page (contact_changes); an emptied one is removed at once.
    Returns the changes waiting for their code."""
    from crisis_app.directory.professionals import contact_changes

    changes = {k: v for k, v in (data or {}).items() if k in SELF_EDITABLE}
    requested = []
    if changes:
        clean = services.validate_professional(changes, partial=True)
        requested = contact_changes.request_changes(actor=None, professional=professional, clean=clean)
        if clean:
            services.update_professional(actor=None, professional=professional, data=clean)
    services.confirm_details(actor=None, professional=professional)
    return requested
