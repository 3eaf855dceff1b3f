"""The outbox's incoming edge: provider webhooks (SMS replies, delivery receipts), signed with a timestamp.

A call is refused (401) unless ``X-Vigie-Signature`` is the HMAC-SHA256 of ``"<X-Vigie-Timestamp>." + body`` under
``VIGIE_WEBHOOK_SECRET`` and the timestamp is within five minutes; a replayed SMS reply (same provider id) is refused
by the domain that took it (409). Receipts update the outbox's deliveries; replies go to the handler a domain
registered for its topic (``outbox.reply_handler``).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app, request
from flask_smorest import Blueprint, abort

from crisis_app.core.access import public
from crisis_app.core.api import error_responses
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.schemas import ReceiptWebhookSchema, ReplyWebhookSchema

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
               description="Retours des fournisseurs (signés HMAC-SHA256 : en-tête X-Vigie-Signature)")

WEBHOOK_MAX_SKEW_SECONDS = 300
WEBHOOK_MAX_BYTES = 64 * 1024


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>." + body>``: the time is signed with the body."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@bp.before_request
def check_signature() -> None:
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


@bp.route("/sms-replies", methods=["POST"])
@public
@bp.doc(**SIGNED)
@error_responses(bp, 401, 409, 413)
@bp.arguments(ReplyWebhookSchema)
@bp.response(204)
def sms_reply(data):
    """An SMS reply forwarded by the provider: ``{"id": "<provider id>", "from": "+336…", "text": "1 j'arrive"}``.

    Taken once per provider id (409 on a second use), for the latest alert that person was asked that still takes
    answers; otherwise nothing is recorded."""
    outbox.receive_reply(outbox.SmsReply(sender=data["sender"], text=data["text"], provider_ref=data["id"]))


@bp.route("/receipts", methods=["POST"])
@public
@bp.doc(**SIGNED)
@error_responses(bp, 401)
@bp.arguments(ReceiptWebhookSchema)
@bp.response(204)
def receipt(data):
    """A delivery receipt: ``{"reference": "<our reference>", "status": "delivered"|"failed", "error": …}``."""
    outbox.apply_receipt(reference=data["reference"], delivered=data["status"] == "delivered", error=data.get("error"))
