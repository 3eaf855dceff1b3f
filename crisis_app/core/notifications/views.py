"""The outbox pages: every message Vigie sent, its deliveries, attachments and CSV export; the built-in sink."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import db
from crisis_app.core.labels import label_of, labels
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import (
    Delivery,
    DeliveryPurpose,
    DeliveryState,
    Message,
    MessageAttachment,
    OutboxMessage,
)
from crisis_app.core.pagination import link_args

bp = Blueprint("outbox", __name__)
LIST_ROWS = 200
# A personal link: <public url>/<path>/<id>.<signature>. Others must not open it on the person's behalf.
_TOKEN_LINK = re.compile(r"https?://\S+/\d+\.[A-Za-z0-9_-]{8,}")
MASK = "[lien personnel]"


def mask_links(text: str) -> str:
    """The text with every personal link replaced by a mention that one was sent."""
    return _TOKEN_LINK.sub(MASK, text or "")


@bp.app_template_filter("mask_links")
def _mask_links_filter(text: str) -> str:
    return mask_links(text)


_URL = re.compile(r"(https?://\S+)")


@bp.app_template_filter("urlize_parts")
def _urlize_parts(text: str) -> list[dict]:
    """Split a text into plain parts and links, for a template to draw the links (escaping stays Jinja's)."""
    return [{"url": part} if i % 2 else {"text": part} for i, part in enumerate(_URL.split(text or "")) if part]


@bp.route("/messages")
@permission_required("outbox.read")
def messages():
    rows = db.session.scalars(sa.select(Message).order_by(Message.id.desc()).limit(LIST_ROWS)).all()
    return render_template("outbox/messages.html", messages=rows, topic_label=outbox.topic_label)


def _deliveries(message: Message, limit: int | None = None) -> list[Delivery]:
    return list(db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message.id)
                                   .options(selectinload(Delivery.recipient)).order_by(Delivery.id).limit(limit)))


@bp.route("/messages/<int:message_id>")
@permission_required("outbox.read")
def message(message_id: int):
    msg = get_for_user(Message, message_id, "outbox.read")
    deliveries = _deliveries(msg, LIST_ROWS + 1)
    return render_template("outbox/message.html", message=msg, deliveries=deliveries[:LIST_ROWS],
                           more=len(deliveries) > LIST_ROWS, state_labels=labels(DeliveryState),
                           purpose_labels=labels(DeliveryPurpose), counts=outbox.counts_by_channel(msg.id),
                           topic_label=outbox.topic_label)


@bp.route("/messages/<int:message_id>/export.csv")
@permission_required("outbox.read")
def export(message_id: int):
    msg = get_for_user(Message, message_id, "outbox.read")
    rows = ([d.recipient.name if d.recipient else d.address, d.channel, d.address,
             label_of(DeliveryPurpose, d.purpose), d.state.label, d.sent_at, d.last_error]
            for d in _deliveries(msg))
    return csv_response(f"message-{msg.id}.csv",
                        ["Destinataire", "Canal", "Adresse", "Envoi", "État", "Envoyé le", "Erreur"], rows)


@bp.route("/messages/<int:message_id>/pieces-jointes/<int:attachment_id>")
@permission_required("outbox.attachments")
def attachment(message_id: int, attachment_id: int):
    msg = get_for_user(Message, message_id, "outbox.attachments")
    row = db.session.get(MessageAttachment, attachment_id)
    if row is None or row.message_id != msg.id:
        abort(404)
    return Response(row.content, mimetype=row.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{row.filename}"'})


@bp.route("/boite-d-envoi")
@permission_required("outbox.read")
def sink():
    """What each person would have received (embedded mode); personal links are masked."""
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(LIST_ROWS)).all()
    return render_template("outbox/sink.html", rows=rows, mine=False)


@bp.route("/mes-messages")
@permission_required("outbox.mine")
def mine():
    """The built-in outbox as the signed-in person received it: their own links work (the demo's path)."""
    if current_app.config["DELIVERY_MODE"] != "outbox":
        abort(404)
    addresses = outbox.addresses_of(current_user._get_current_object())
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.address.in_(addresses))
                              .order_by(OutboxMessage.id.desc()).limit(LIST_ROWS)).all()
    return render_template("outbox/sink.html", rows=rows, mine=True)


@bp.route("/alertes/boite-d-envoi")
@permission_required("outbox.read")
def legacy_sink():
    return redirect(url_for("outbox.sink", **link_args(request.args, drop=())))
