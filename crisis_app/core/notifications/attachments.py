"""Attachments made by a worker: a message may carry a kept document (core.documents: the RETEX, the published plan,
a point de situation) before its PDF is made. Its deliveries wait — the engine dispatches nothing of a message with
an attachment still empty — and when the worker has made the document its bytes are copied into the message and
the fan-out is enqueued; if the making failed, the waiting deliveries fail with the reason, for the sender to see.

So no PDF is rendered in the request that sends it, and a message never leaves without its attachment.
"""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.notifications.models import Delivery, DeliveryState, MessageAttachment


def not_waiting_for_a_file() -> sa.ColumnElement[bool]:
    """For the engine's dispatch: the delivery's message has every attachment's bytes."""
    return ~sa.exists().where(MessageAttachment.message_id == Delivery.message_id,
                              MessageAttachment.content.is_(None))


def document_made(document_id: int, content: bytes) -> list[int]:
    """Copy a made document into the attachments waiting for it, and enqueue their messages after the commit."""
    from crisis_app.core.notifications import outbox

    message_ids = db.session.scalars(
        sa.update(MessageAttachment).where(MessageAttachment.document_id == document_id,
                                           MessageAttachment.content.is_(None))
        .values(content=content, size=len(content)).returning(MessageAttachment.message_id)
        .execution_options(synchronize_session=False)).all()
    for message_id in sorted(set(message_ids)):
        outbox.enqueue_after_commit(message_id)
    return sorted(set(message_ids))


def document_failed(document_id: int, error: str) -> int:
    """The document could not be made: its messages' waiting deliveries fail, saying why (the sender sees it on
    the page that follows the sending, and sends again once the cause is fixed)."""
    waiting = sa.select(MessageAttachment.message_id).where(MessageAttachment.document_id == document_id,
                                                            MessageAttachment.content.is_(None))
    return db.session.execute(
        sa.update(Delivery).where(Delivery.message_id.in_(waiting), Delivery.state == DeliveryState.QUEUED)
        .values(state=DeliveryState.PERMANENT_FAILURE,
                last_error=f"Le PDF joint n'a pas pu être fabriqué : {error}"[:300])
        .execution_options(synchronize_session=False)).rowcount
