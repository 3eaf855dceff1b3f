"""The freshness campaign: ask every entry not confirmed lately to check its details through a personal link.

The message goes through the delivery engine (one tracked delivery per person, retries, outbox in the demo);
the link is signed for that person and that campaign, like an alert's answer link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from crisis_app.alerts import links
from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import Alert, AlertKind, AlertRecipient
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory import services
from crisis_app.directory.models import Professional

SELF_EDITABLE = ("mobile_phone", "email")


def start(*, actor: User) -> Alert:
    """Send the confirmation request to the entries to confirm (e-mail first, else SMS)."""
    people = services.entries_to_confirm()
    if not people:
        raise ServiceError("nothing_to_confirm", "Toutes les fiches actives ont été confirmées récemment.",
                           status=409)
    cpts = current_app.config["CPTS_NAME"]
    alert = alert_services.send_notice(
        actor=actor, kind=AlertKind.CONFIRMATION, title="Confirmez vos coordonnées",
        sms_text=f"{cpts} : merci de vérifier vos coordonnées pour les alertes de crise :",
        email_text=(f"Bonjour,\n\n{cpts} tient à jour l'annuaire qui sert à vous joindre en cas de crise "
                    "sanitaire. Merci de vérifier votre mobile et votre adresse e-mail, en un clic."),
        people=people, channels=["email", "sms"], label=f"Campagne de confirmation ({len(people)} fiches)")
    if alert is None:
        raise ServiceError("nobody_reachable", "Aucune des fiches à confirmer n'est joignable (coordonnées ou "
                           "consentement manquants, ou aucun canal configuré).", status=409)
    return alert


def recipient_for_link(token: str) -> tuple[AlertRecipient, Professional]:
    """The person a confirmation link designates; ``links.LinkError`` if forged, expired or not a campaign."""
    recipient = links.recipient_for_token(token, links.CONFIRM)
    professional = db.session.get(Professional, recipient.professional_id) if recipient.professional_id else None
    if recipient.alert.kind is not AlertKind.CONFIRMATION or professional is None:
        raise links.LinkError(404, "Ce lien de confirmation n'est pas valide.")
    return recipient, professional


def confirm(*, professional: Professional, data: Mapping[str, Any] | None = None) -> Professional:
    """Confirm the entry, after applying the corrections the person typed (mobile, e-mail) if any."""
    changes = {k: v for k, v in (data or {}).items() if k in SELF_EDITABLE}
    if changes:
        services.update_professional(actor=None, professional=professional, data=changes)
    return services.confirm_details(actor=None, professional=professional)
