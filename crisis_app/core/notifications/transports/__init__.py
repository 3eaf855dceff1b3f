"""Transports: the built-in outbox, SMTP with one connection per batch, HTTP JSON gateways on kept-open connections,
and apprise for the rest.

Users configure every channel with an apprise service URL (``json://``, ``mailto://``, ``matrix://``…). The
channels that carry the volume — an HTTP SMS gateway (``json://``/``jsons://``) and e-mail (``mailto://``/
``mailtos://``, or Vigie's own ``smtp://``) — are parsed by apprise once and sent by the fast transports here,
which keep their connections open; every other service goes through apprise itself (``appriseservice``).
One module per transport: ``jsonhttp``, ``smtp``, ``appriseservice``; what they share in ``common``."""

from __future__ import annotations

from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.base import Channel, OutgoingMessage, SendReceipt
from crisis_app.core.notifications.models import OutboxMessage
from crisis_app.core.notifications.transports.appriseservice import AppriseChannel, classify_apprise_failure
from crisis_app.core.notifications.transports.common import TEMPORARY_STATUSES, http_failure, in_flight
from crisis_app.core.notifications.transports.jsonhttp import JsonHttpChannel
from crisis_app.core.notifications.transports.smtp import SmtpChannel, build_or_refuse

__all__ = ["TEMPORARY_STATUSES", "AppriseChannel", "JsonHttpChannel", "OutboxChannel", "SmtpChannel",
           "build_or_refuse", "classify_apprise_failure", "http_failure", "in_flight"]


class OutboxChannel(Channel):
    """The embedded default: what would have left the machine is written to a table and shown in a page."""

    def __init__(self, kind: str):
        self.kind = kind

    def send(self, message: OutgoingMessage) -> SendReceipt:
        row = OutboxMessage(channel=self.kind, address=message.address, subject=message.subject,
                            body=message.body, reference=message.reference, message_id=message.message_id,
                            attachment_names=[a.filename for a in message.attachments], at=utcnow())
        db.session.add(row)
        return SendReceipt(reference=message.reference, provider_ref=f"outbox:{message.reference}")
