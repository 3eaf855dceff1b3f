"""The outbox pages: every message Vigie sent, its deliveries, attachments and CSV export; the built-in sink."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import db, utcnow
from crisis_app.core.labels import label_of, labels
from crisis_app.core.notifications import failover, outbox
from crisis_app.core.notifications.models import (
    Delivery,
    DeliveryPurpose,
    DeliveryState,
    Message,
    MessageAttachment,
    MessageRecipient,
    OutboxMessage,
)
from crisis_app.core.pagination import contains, link_args, page_number, paginate

bp = Blueprint("outbox", __name__)
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


PAGE_ROWS = 50
MAX_SEARCH = 100


def _search_text() -> str:
    return (request.args.get("q") or "").strip()[:MAX_SEARCH]


def _reader():
    return current_user._get_current_object()


def readable(message_id: int, permission: str) -> Message:
    """The message if it exists and the signed-in user may read it: the page's permission (403 before 404), then
    the permission of the domain that sent it (403: a cellule member does not read a quality acknowledgement)."""
    msg = get_for_user(Message, message_id, permission)
    if not outbox.may_read(_reader(), msg):
        abort(403)
    return msg


@bp.route("/messages")
@permission_required("outbox.open")
def messages():
    """Every message the reader may read (its domain's permission), newest first; searched and paged."""
    query = sa.select(Message).where(Message.read_permission.in_(outbox.readable_permissions(_reader())))
    text = _search_text()
    if text:
        query = query.where(sa.or_(contains(Message.subject, text), contains(Message.label, text)))
    result = paginate(query.order_by(Message.id.desc()), page=page_number(request.args), per_page=PAGE_ROWS)
    return render_template("outbox/messages.html", messages=result.items, topic_label=outbox.topic_label,
                           q=text, page=result.page, pages=max(result.pages, 1), total=result.total)


def _deliveries(message: Message, limit: int | None = None) -> list[Delivery]:
    return list(db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message.id)
                                   .options(selectinload(Delivery.recipient)).order_by(Delivery.id).limit(limit)))


@bp.route("/messages/<int:message_id>")
@permission_required("outbox.open")
def message(message_id: int):
    msg = readable(message_id, "outbox.open")
    query = (sa.select(Delivery).outerjoin(MessageRecipient, MessageRecipient.id == Delivery.recipient_id)
             .where(Delivery.message_id == msg.id).options(selectinload(Delivery.recipient)))
    text = _search_text()
    if text:
        query = query.where(sa.or_(contains(MessageRecipient.name, text), contains(Delivery.address, text)))
    state = request.args.get("etat", "")
    if state in {s.value for s in DeliveryState}:
        query = query.where(Delivery.state == DeliveryState(state))
    result = paginate(query.order_by(Delivery.id), page=page_number(request.args), per_page=PAGE_ROWS)
    failures = db.session.execute(
        sa.select(Delivery.last_error, sa.func.count()).where(Delivery.message_id == msg.id,
                                                              Delivery.state == DeliveryState.PERMANENT_FAILURE)
        .group_by(Delivery.last_error).order_by(sa.func.count().desc())).all()
    return render_template("outbox/message.html", message=msg, deliveries=result.items, failures=failures,
                           max_attempts=current_app.config["ALERT_MAX_ATTEMPTS"], q=text, state=state,
                           page=result.page, pages=max(result.pages, 1), total=result.total,
                           state_labels=labels(DeliveryState),
                           purpose_labels=labels(DeliveryPurpose), counts=outbox.counts_by_channel(msg.id),
                           topic_label=outbox.topic_label, providers=failover.message_providers(msg.id, utcnow()))


@bp.route("/messages/<int:message_id>/export.csv")
@permission_required("outbox.open")
def export(message_id: int):
    msg = readable(message_id, "outbox.open")
    rows = ([d.recipient.name if d.recipient else d.address, d.channel, d.address,
             label_of(DeliveryPurpose, d.purpose), d.state.label, d.attempts, d.sent_at, d.last_error]
            for d in _deliveries(msg))
    return csv_response(f"message-{msg.id}.csv",
                        ["Destinataire", "Canal", "Adresse", "Envoi", "État", "Essais", "Envoyé le", "Erreur"], rows)


@bp.route("/messages/<int:message_id>/pieces-jointes/<int:attachment_id>")
@permission_required("outbox.attachments")
def attachment(message_id: int, attachment_id: int):
    msg = readable(message_id, "outbox.attachments")
    row = db.session.get(MessageAttachment, attachment_id)
    if row is None or row.message_id != msg.id:
        abort(404)
    return Response(row.content, mimetype=row.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{row.filename}"'})


def _sink_page(query: sa.Select, *, mine: bool):
    text = _search_text()
    if text:  # never the body: a search would be an oracle on the personal links the page masks
        query = query.where(sa.or_(contains(OutboxMessage.subject, text), contains(OutboxMessage.address, text)))
    result = paginate(query.order_by(OutboxMessage.id.desc()), page=page_number(request.args), per_page=PAGE_ROWS)
    ids = {row.message_id for row in result.items if row.message_id}
    # "suivi de l'envoi" only where the reader may open the message (its domain's permission)
    followable = set(db.session.scalars(sa.select(Message.id).where(
        Message.id.in_(sorted(ids)), Message.read_permission.in_(outbox.readable_permissions(_reader())))))
    return render_template("outbox/sink.html", rows=result.items, mine=mine, q=text, page=result.page,
                           pages=max(result.pages, 1), total=result.total, followable=followable)


@bp.route("/boite-d-envoi")
@permission_required("outbox.open")
def sink():
    """What each person would have received (embedded mode), of the messages the reader may read; links masked."""
    allowed = outbox.readable_permissions(_reader())
    query = (sa.select(OutboxMessage).outerjoin(Message, Message.id == OutboxMessage.message_id)
             .where(sa.func.coalesce(Message.read_permission, outbox.DEFAULT_READ_PERMISSION).in_(allowed)))
    return _sink_page(query, mine=False)


@bp.route("/mes-messages")
@permission_required("outbox.mine")
def mine():
    """The built-in outbox as the signed-in person received it: what was sent to their own directory entry (and to
    the partner organisation their account is attached to); their own links work (the demo's path)."""
    if current_app.config["DELIVERY_MODE"] != "outbox":
        abort(404)
    return _sink_page(outbox.received_by(_reader()), mine=True)


@bp.route("/alertes/boite-d-envoi")
@permission_required("outbox.read")
def legacy_sink():
    return redirect(url_for("outbox.sink", **link_args(request.args, drop=())))
