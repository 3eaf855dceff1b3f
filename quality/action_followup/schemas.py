"""marshmallow schemas of the quality actions API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.actionplan.vocab import ActionStatus, ActionType, SourceKind
from quality.schemas import MAX_ID, QualityPageSchema, bounded_text


class QualityActionCreateSchema(Schema):
    title = bounded_text(300, required=True)
    description = bounded_text(allow_none=True)
    action_type = fields.String(required=True, validate=validate.OneOf([t.value for t in ActionType]))
    source_type = fields.String(required=True, validate=validate.OneOf([k.value for k in SourceKind]))
    source_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
    owner_professional_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    owner_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    due_on = fields.Date(required=True)


class QualityActionTransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf([s.value for s in ActionStatus]))
    evidence_note = bounded_text(allow_none=True)


class QualityActionSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String(allow_none=True)
    action_type = fields.String()
    source_type = fields.String()
    source_id = fields.Integer()
    source_label = fields.String()
    event_id = fields.Integer(allow_none=True)
    owner_name = fields.String()
    due_on = fields.Date(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    done_on = fields.Date(allow_none=True)
    verified_on = fields.Date(allow_none=True)
    evidence_note = fields.String(allow_none=True)
    evidence_filename = fields.String(allow_none=True)


class QualityActionListSchema(Schema):
    items = fields.List(fields.Nested(QualityActionSchema))
    total = fields.Integer()


class QualityActionQuerySchema(QualityPageSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in ActionStatus]))
    source_type = fields.String(validate=validate.OneOf([k.value for k in SourceKind]))
    source_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
