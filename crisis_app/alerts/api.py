"""JSON API of alerts, and the provider webhooks (SMS replies, delivery receipts)."""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import partial

import sqlalchemy as sa
from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint, abort

from crisis_app.alerts import services
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.alerts.schemas import (
    AlertInputSchema,
    AlertListSchema,
    AlertSchema,
    DeliveryListSchema,
    DeliveryQuerySchema,
    EndInputSchema,
    ReceiptWebhookSchema,
    ReplyWebhookSchema,
)
from crisis_app.core.access import get_for_user, permission_required, public
from crisis_app.core.api import error_responses
from crisis_app.core.db import db
from crisis_app.core.notifications.models import Delivery

bp = Blueprint("api_alerts", __name__, url_prefix="/api/v1", description="Alertes et suivi des envois")
webhooks = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                     description="Retours des fournisseurs (signés HMAC-SHA256 : en-tête X-Vigie-Signature)")


_errors = partial(error_responses, bp)


@bp.route("/alerts")
class Alerts(MethodView):
    @permission_required("alerts.read")
    @_errors(401, 403)
    @bp.response(200, AlertListSchema)
    def get(self):
        """Alerts, newest first."""
        alerts = db.session.scalars(sa.select(Alert).order_by(Alert.created_at.desc()).limit(200)).all()
        return {"items": alerts, "total": len(alerts)}

    @permission_required("alerts.send")
    @_errors(401, 403)
    @bp.arguments(AlertInputSchema)
    @bp.response(201, AlertSchema)
    def post(self, data):
        """Send an alert to an audience on the chosen channels (référent)."""
        return services.send_alert(actor=current_user._get_current_object(), data=request.get_json())


@bp.route("/alerts/<int:alert_id>")
class AlertItem(MethodView):
    @permission_required("alerts.read")
    @_errors(401, 403, 404)
    @bp.response(200, AlertSchema)
    def get(self, alert_id: int):
        """One alert with its live figures."""
        return get_for_user(Alert, alert_id, "alerts.read")


@bp.route("/alerts/<int:alert_id>/deliveries")
class AlertDeliveries(MethodView):
    @permission_required("alerts.read")
    @_errors(401, 403, 404)
    @bp.arguments(DeliveryQuerySchema, location="query")
    @bp.response(200, DeliveryListSchema)
    def get(self, args, alert_id: int):
        """Per recipient and channel: state, error, answer. ``answered=false`` lists who is silent."""
        alert = get_for_user(Alert, alert_id, "alerts.read")
        query = (sa.select(Delivery, AlertRecipient)
                 .outerjoin(AlertRecipient, Delivery.recipient_id == AlertRecipient.message_recipient_id)
                 .where(Delivery.message_id == (alert.message_id or -1)))
        if "state" in args:
            query = query.where(Delivery.state == args["state"])
        if "channel" in args:
            query = query.where(Delivery.channel == args["channel"])
        if "answered" in args:
            answered = AlertRecipient.answered_at.isnot(None)
            query = query.where(answered if args["answered"] else sa.not_(answered))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        items = []
        for delivery, recipient in db.session.execute(query.order_by(Delivery.id).limit(args["limit"])
                                                      .offset(args["offset"])):
            delivery.alert_recipient = recipient
            items.append(delivery)
        return {"items": items, "total": total}


@bp.route("/alerts/<int:alert_id>/cancel")
class AlertCancel(MethodView):
    @permission_required("alerts.send")
    @_errors(401, 403, 404, 409)
    @bp.response(200, AlertSchema)
    def post(self, alert_id: int):
        """Hold every message not sent yet."""
        alert = get_for_user(Alert, alert_id, "alerts.send")
        services.cancel_alert(actor=current_user._get_current_object(), alert=alert)
        return alert


@bp.route("/alerts/<int:alert_id>/end")
class AlertEnd(MethodView):
    @permission_required("alerts.send")
    @_errors(401, 403, 404, 409)
    @bp.arguments(EndInputSchema)
    @bp.response(200, AlertSchema)
    def post(self, data, alert_id: int):
        """Close the alert and send the end-of-alert message to the same recipients."""
        alert = get_for_user(Alert, alert_id, "alerts.send")
        services.end_alert(actor=current_user._get_current_object(), alert=alert, text=data["text"])
        return alert


WEBHOOK_MAX_SKEW_SECONDS = 300
WEBHOOK_MAX_BYTES = 64 * 1024


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>." + body>``: the time is signed with the body."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@webhooks.before_request
def _check_signature() -> None:
    """Refuse an unsigned, badly signed or stale call before reading more than its limit; off without a secret."""
    secret = current_app.config["WEBHOOK_SECRET"]
    if not secret:
        abort(401, message="Webhooks désactivés : VIGIE_WEBHOOK_SECRET n'est pas configuré.")
    if (request.content_length or 0) > WEBHOOK_MAX_BYTES:
        abort(413, message="Corps de requête trop volumineux pour un webhook.")
    stamp = request.headers.get("X-Vigie-Timestamp", "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        abort(401, message="Horodatage du webhook (X-Vigie-Timestamp) absent ou invalide.")
    if abs(time.time() - int(stamp)) > WEBHOOK_MAX_SKEW_SECONDS:
        abort(401, message="Webhook périmé : horodatage hors de la fenêtre de 5 minutes.")
    body = request.stream.read(WEBHOOK_MAX_BYTES + 1)
    if len(body) > WEBHOOK_MAX_BYTES:
        abort(413, message="Corps de requête trop volumineux pour un webhook.")
    request._cached_data = body  # the body read once, within its limit, is the one parsed below
    if not hmac.compare_digest(request.headers.get("X-Vigie-Signature", ""), webhook_signature(secret, stamp, body)):
        abort(401, message="Signature du webhook absente ou invalide.")


SIGNATURE_HEADERS = [
    {"in": "header", "name": "X-Vigie-Timestamp", "required": True, "schema": {"type": "string"},
     "description": "secondes depuis l'époque Unix ; refusé à plus de 5 minutes de l'heure du serveur"},
    {"in": "header", "name": "X-Vigie-Signature", "required": True, "schema": {"type": "string"},
     "description": "sha256=<HMAC-SHA256 hex de « <horodatage>. » suivi du corps, clé VIGIE_WEBHOOK_SECRET>"},
]
SIGNED = {"security": [], "parameters": SIGNATURE_HEADERS}


@webhooks.route("/sms-replies", methods=["POST"])
@public
@webhooks.doc(**SIGNED)
@error_responses(webhooks, 401, 409, 413)
@webhooks.arguments(ReplyWebhookSchema)
@webhooks.response(204)
def sms_reply(data):
    """An SMS reply forwarded by the provider: ``{"id": "<provider id>", "from": "+336…", "text": "1 j'arrive"}``.

    Taken once per provider id (409 on a second use), for the latest alert that person was asked that still takes
    answers; otherwise nothing is recorded."""
    services.answer_from_sms(sender=data["sender"], text=data["text"], provider_ref=data["id"])


@webhooks.route("/receipts", methods=["POST"])
@public
@webhooks.doc(**SIGNED)
@error_responses(webhooks, 401)
@webhooks.arguments(ReceiptWebhookSchema)
@webhooks.response(204)
def receipt(data):
    """A delivery receipt: ``{"reference": "<our reference>", "status": "delivered"|"failed", "error": …}``."""
    services.apply_receipt(reference=data["reference"], status=data["status"], error=data.get("error"))
