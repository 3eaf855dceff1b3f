"""A message may carry a document the worker has not made yet: its deliveries wait for the file, leave with it once
made, and fail saying why when it cannot be made; a document already made is attached at once."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core import documents
from crisis_app.core.db import db
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications import engine, outbox
from crisis_app.core.notifications.models import Delivery, DeliveryState, MessageAttachment

OUTCOME: dict[str, bytes | str] = {}


@documents.maker("test-attached", may_read=lambda user, key: user.may("crisis.read"),
                 filename=lambda key: f"piece-{key}.txt", title="Pièce jointe d'essai", mimetype="text/plain")
def _make(key: str, progress) -> bytes:
    made = OUTCOME[key]
    if isinstance(made, str):
        raise ServiceError("refused", made)
    return made


def _send(document) -> int:
    message = outbox.send_message(
        topic="test.attachment", subject="Point", email_text="Le point est joint.", channels=("email",),
        recipients=[outbox.Recipient(name="ARS", email="veille@ars.example.org")],
        attachments=[outbox.Attachment.of_document(document, filename="point.txt", media_type="text/plain")])
    db.session.commit()
    return message.id


def _deliveries(message_id: int) -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message_id)))


def test_the_message_waits_for_the_worker_then_leaves_with_the_file(db_session):
    OUTCOME["k1"] = b"point complet"
    document = documents.request(kind="test-attached", key="k1", fingerprint="v1", actor=None)
    message_id = _send(document)
    assert engine.dispatch(message_id) == 0  # nothing leaves without its attachment (the sweeper neither)
    assert engine.sweep()["dispatched"] == 0
    make_document(document.id)
    attachment = db.session.scalar(sa.select(MessageAttachment).where(MessageAttachment.message_id == message_id))
    assert attachment.content == b"point complet" and attachment.size == len(b"point complet")
    assert engine.dispatch(message_id) == 1


def test_a_document_that_cannot_be_made_fails_the_waiting_deliveries_with_the_reason(db_session):
    OUTCOME["k2"] = "Un nom de patient a été trouvé dans le texte."
    document = documents.request(kind="test-attached", key="k2", fingerprint="v1", actor=None)
    message_id = _send(document)
    make_document(document.id)
    [delivery] = _deliveries(message_id)
    assert delivery.state is DeliveryState.PERMANENT_FAILURE
    assert delivery.last_error == ("Le PDF joint n'a pas pu être fabriqué : Un nom de patient a été trouvé dans le "
                                   "texte.")


def test_a_document_already_made_is_attached_at_once(db_session):
    OUTCOME["k3"] = b"deja fait"
    document = documents.request(kind="test-attached", key="k3", fingerprint="v1", actor=None)
    db.session.commit()
    make_document(document.id)
    db.session.refresh(document)
    message_id = _send(document)
    attachment = db.session.scalar(sa.select(MessageAttachment).where(MessageAttachment.message_id == message_id))
    assert attachment.content == b"deja fait"
    assert engine.dispatch(message_id) == 1
