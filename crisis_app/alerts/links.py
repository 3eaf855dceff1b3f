"""Answer links: signed for one recipient of one alert (core.links), no login, expiring.

The signed text is ``answer:alert:<alert id>:recipient:<alert recipient id>``, as before the outbox moved to core,
so links sent before an upgrade keep working.
"""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from crisis_app.core import links
from crisis_app.core.db import db

ANSWER = "answer"
INVALID = "Ce lien de réponse n'est pas valide."
LinkError = links.LinkError


def token_for(alert_id: int, recipient_id: int) -> str:
    return links.make_token(ANSWER, "alert", alert_id, recipient_id)


def answer_url(alert_id: int, recipient_id: int) -> str:
    return links.public_url(f"/r/{token_for(alert_id, recipient_id)}")


def recipient_for_token(token: str):
    """The recipient a token designates; ``LinkError(404)`` if malformed or forged."""
    from crisis_app.alerts.models import AlertRecipient

    recipient_id, sig = links.subject_of(token, INVALID)
    # with its alert in the same query: the answer page needs both, and its POST runs at most three statements
    recipient = db.session.get(AlertRecipient, recipient_id, options=[joinedload(AlertRecipient.alert)],
                                populate_existing=True)
    if recipient is None or not links.verify(sig, ANSWER, "alert", recipient.alert_id, recipient.id):
        raise LinkError(404, INVALID)
    return recipient
