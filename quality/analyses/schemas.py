"""marshmallow schemas of the analyses API (ORION, ALARM)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.core.labels import labels
from quality.analyses import vocab as words
from quality.schemas import MAX_ID, bounded_text


class QualityBarrierSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(labels(words.BarrierKind))))
    outcome = fields.String(required=True, validate=validate.OneOf(list(labels(words.BarrierOutcome))))
    text = bounded_text(1000, allow_none=True)


class QualityAnalysisWriteSchema(Schema):
    event_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    method = fields.String(validate=validate.OneOf(list(labels(words.AnalysisMethod))))
    pilot_user_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    steps = fields.Dict(keys=fields.String(validate=validate.OneOf(list(labels(words.OrionStep)))),
                        values=bounded_text())
    factors = fields.Dict(keys=fields.String(validate=validate.OneOf(
        list({**labels(words.OrionFactorFamily), **labels(words.AlarmFactor)}))), values=bounded_text())
    barriers = fields.List(fields.Nested(QualityBarrierSchema), validate=validate.Length(max=30))
    lessons = bounded_text(allow_none=True)


class QualityAnalysisStepSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf(["presentee", "validee"]))
    session_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                                metadata={"description": "La séance qui valide (pour « validee »)"})


class QualityAnalysisSchema(Schema):
    id = fields.Integer()
    event_id = fields.Integer(allow_none=True)
    method = fields.String()
    status = fields.String()
    status_label = fields.String()
    pilot_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    steps = fields.Dict()
    factors = fields.Dict()
    barriers = fields.List(fields.Dict())
    lessons = fields.String(allow_none=True)
    validated_session_id = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()


class QualityAnalysisListSchema(Schema):
    items = fields.List(fields.Nested(QualityAnalysisSchema))
    total = fields.Integer()
