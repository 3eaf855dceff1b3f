"""marshmallow schemas of the outbox's edges: what providers post back (SMS replies, delivery receipts)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ReplyWebhookSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=120),
                       metadata={"description": "the provider's id of the SMS received: a reply is taken once"})
    sender = fields.String(required=True, data_key="from", validate=validate.Length(min=3, max=32))
    text = fields.String(required=True, validate=validate.Length(max=1000))


class ReceiptWebhookSchema(Schema):
    reference = fields.String(required=True, validate=validate.Length(min=1, max=120))
    status = fields.String(required=True, validate=validate.OneOf(["delivered", "failed"]))
    error = fields.String(allow_none=True, validate=validate.Length(max=300))
