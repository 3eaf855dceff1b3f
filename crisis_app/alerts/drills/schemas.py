"""marshmallow schemas of drills: what a référent asks for (page and API) and what the API shows."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from crisis_app.alerts.drills.models import DrillKind
from crisis_app.core.fields import Id

QUESTIONS = ("ack", "availability")  # a drill asks for an answer: an acknowledgement or the availability scale


class DrillInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=160))
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in DrillKind]),
                         metadata={"description": "scheduled : à la date dite ; unannounced : lancé tout de suite"})
    audience_id = Id(required=True)
    channels = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True,
                           validate=validate.Length(min=1, max=10, error="Choisissez au moins un canal."))
    question = fields.String(load_default="ack", validate=validate.OneOf(QUESTIONS))
    scheduled_for = fields.DateTime(allow_none=True,
                                         metadata={"description": "ISO 8601 ; sans fuseau : heure de Paris"})
    sms_text = fields.String(validate=validate.Length(min=1, max=300))
    email_text = fields.String(validate=validate.Length(min=1, max=5000))

    @validates_schema(skip_on_field_errors=False)
    def _date_for_scheduled(self, data, **kwargs):
        if data.get("kind") == DrillKind.SCHEDULED and not data.get("scheduled_for"):
            raise ValidationError("Indiquez la date et l'heure de l'exercice programmé.", "scheduled_for")


class ShareSchema(Schema):
    label = fields.String()
    people = fields.Integer()
    answered = fields.Integer()
    within = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "minutes -> personnes ayant répondu dans ce délai"})
    share = fields.Dict(keys=fields.String(), values=fields.Integer(),
                        metadata={"description": "minutes -> part en % des personnes sollicitées"})


class FiguresSchema(Schema):
    people = fields.Integer()
    answered = fields.Integer()
    unreachable = fields.Integer(metadata={"description": "sans coordonnées ou consentement, ou tous envois en échec"})
    first_answer_seconds = fields.Integer(allow_none=True)
    total = fields.Nested(ShareSchema)
    by_profession = fields.List(fields.Nested(ShareSchema))
    by_channel = fields.List(fields.Nested(ShareSchema), metadata={"description": "canal de l'envoi qui a atteint"})
    by_via = fields.List(fields.Nested(ShareSchema), metadata={"description": "moyen de la réponse"})


class DrillSummarySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    status = fields.String()
    audience_id = fields.Integer(allow_none=True)
    audience_name = fields.String()
    channels = fields.List(fields.String())
    question = fields.String(attribute="question_kind")
    scheduled_for = fields.DateTime(allow_none=True)
    launched_at = fields.DateTime(allow_none=True)
    launch_error = fields.String(allow_none=True)
    alert_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class DrillSchema(DrillSummarySchema):
    figures = fields.Method("_figures", metadata={"description": "null tant que l'exercice n'est pas lancé"})
    previous_id = fields.Method("_previous")

    def _figures(self, obj) -> dict | None:
        from crisis_app.alerts.drills import figures

        measured = figures.measure(obj)
        return FiguresSchema().dump(measured) if measured else None

    def _previous(self, obj) -> int | None:
        from crisis_app.alerts.drills import services

        previous = services.previous(obj)
        return previous.id if previous else None


class DrillListSchema(Schema):
    items = fields.List(fields.Nested(DrillSummarySchema))
    total = fields.Integer()
