"""marshmallow schemas of the recurring sessions API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.core.fields import StrictBoolean
from quality.schemas import bounded_text, ids
from quality.sessions import vocab as words
from quality.sessions.schemas import QualitySessionSchema


class SeriesCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in words.SessionKind]))
    title = bounded_text(200, allow_none=True)
    rrule = fields.String(required=True, validate=validate.Length(max=200),
                          metadata={"description": "RFC 5545 sans DTSTART, COUNT ni UNTIL : FREQ=MONTHLY;BYDAY=+2TU"})
    first_at = fields.DateTime(required=True, metadata={"description": "Première séance ; sans fuseau : heure de "
                                                                       "Paris (l'heure de toute la série)"})
    until = fields.Date(allow_none=True)
    duration_minutes = fields.Integer(strict=True, validate=validate.Range(min=15, max=480))
    place = bounded_text(300, allow_none=True)
    video_url = bounded_text(500, allow_none=True)
    professional_ids = ids()
    user_ids = ids()
    theme_ids = ids()
    invite = StrictBoolean(load_default=False)


class SeriesFieldsSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    title = fields.String()
    rrule = fields.String()
    first_at = fields.DateTime()
    until = fields.Date(allow_none=True)
    duration_minutes = fields.Integer()
    place = fields.String(allow_none=True)
    video_url = fields.String(allow_none=True)
    uid = fields.String()
    sequence = fields.Integer()
    invited_at = fields.DateTime(allow_none=True)


class SeriesSchema(Schema):
    series = fields.Nested(SeriesFieldsSchema)
    rule_text = fields.String()
    occurrences = fields.List(fields.Nested(QualitySessionSchema))
