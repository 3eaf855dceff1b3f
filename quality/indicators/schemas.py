"""marshmallow schemas of the indicators API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class QualityIndicatorQuerySchema(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class QualityIndicatorsSchema(Schema):
    year = fields.Integer()
    contract = fields.Dict()
    events_by_category = fields.Dict()
    events_by_severity = fields.Dict()
    events_by_month = fields.List(fields.Integer())
    triage_days_median = fields.Float(allow_none=True)
    actions = fields.Dict()
    sessions_held = fields.Dict()
    participants = fields.Integer()
    themes = fields.List(fields.String())
    own_indicators = fields.List(fields.Dict())
