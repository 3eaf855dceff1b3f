"""Answer links: signed for one recipient of one alert, no login, expiring.

The token is ``<recipient id>.<HMAC-SHA256(secret, "alert:<alert id>:recipient:<recipient id>")>`` truncated to
128 bits: it cannot be forged, nor moved to another person or another alert, and it is short enough for an SMS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

from flask import current_app

from crisis_app.alerts.models import AlertRecipient
from crisis_app.core.db import db, utcnow

ANSWER, CONFIRM = "answer", "confirm"


def _signature(alert_id: int, recipient_id: int, purpose: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}:alert:{alert_id}:recipient:{recipient_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_for(recipient: AlertRecipient, purpose: str = ANSWER) -> str:
    return f"{recipient.id}.{_signature(recipient.alert_id, recipient.id, purpose)}"


def answer_url(recipient: AlertRecipient) -> str:
    return f"{current_app.config['PUBLIC_URL']}/r/{token_for(recipient)}"


def confirm_url(recipient: AlertRecipient) -> str:
    return f"{current_app.config['PUBLIC_URL']}/confirmer/{token_for(recipient, CONFIRM)}"


class LinkError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def recipient_for_token(token: str, purpose: str = ANSWER) -> AlertRecipient:
    """The recipient a token designates; ``LinkError`` if forged (404) or expired (410)."""
    rid, _, signature = token.partition(".")
    recipient = db.session.get(AlertRecipient, int(rid)) if rid.isdigit() and len(rid) < 12 else None
    if recipient is None or not hmac.compare_digest(signature,
                                                     _signature(recipient.alert_id, recipient.id, purpose)):
        raise LinkError(404, "Ce lien de réponse n'est pas valide.")
    max_age = timedelta(days=current_app.config["ALERT_ANSWER_MAX_AGE_DAYS"])
    if utcnow() - recipient.alert.created_at > max_age:
        raise LinkError(410, "Ce lien de réponse a expiré. Contactez la cellule de crise si besoin.")
    return recipient
