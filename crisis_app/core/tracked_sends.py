"""A document sent by e-mail through the outbox and followed per recipient (the RETEX, the published plan, a point
de situation): the deliveries of its message, and one more delivery to a recipient whose copy failed or was lost.

The domain keeps the message id and writes its own audit row; this only reads and adds outbox rows, in the caller's
transaction.
"""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError


def deliveries_of(message_id: int | None) -> list:
    """Each delivery of the message (first sends and resends), oldest first; [] when nothing was sent."""
    if not message_id:
        return []
    from crisis_app.core.notifications.models import Delivery

    return list(db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message_id)
                                   .order_by(Delivery.id)))


def resend(message_id: int | None, delivery_id: int, *, what: str) -> tuple:
    """One more e-mail delivery of the message to the recipient of ``delivery_id``: ``(old, added)``.

    Refused with a 404 when the delivery is not one of the message's (``what`` names the document in French), a 409
    while it is still queued or being sent."""
    from crisis_app.core.notifications import outbox
    from crisis_app.core.notifications.models import PURPOSE_MESSAGE, Delivery, DeliveryState

    delivery = db.session.get(Delivery, delivery_id) if message_id and 0 < delivery_id < 2**31 else None
    if delivery is None or delivery.message_id != message_id or delivery.recipient is None:
        raise ServiceError("not_found", f"Cet envoi n'appartient pas à {what}.", status=404)
    if delivery.state in (DeliveryState.QUEUED, DeliveryState.SENDING):
        raise ServiceError("in_progress", "Cet envoi est encore en cours : attendez son résultat avant de renvoyer.",
                           status=409)
    added = outbox.add_deliveries(delivery.message, delivery.recipient, ["email"], purpose=PURPOSE_MESSAGE,
                                  round_number=delivery.round + 1)
    return delivery, added
