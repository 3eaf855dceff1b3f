"""marshmallow schemas of the contract and annual report API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.contract.models import Mission
from crisis_app.core.documents.schemas import DocumentStatusSchema


class ContractInSchema(Schema):
    signed_on = fields.Date(required=True)
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=4))
    over_100_members = fields.Boolean(load_default=False)
    missions = fields.List(fields.String(validate=validate.OneOf([m.value for m in Mission])), required=True)


class MilestoneSchema(Schema):
    key = fields.String()
    label = fields.String()
    due_on = fields.String()
    reached = fields.Boolean()
    status = fields.String()


class TriggerSchema(Schema):
    crisis_id = fields.Integer()
    qualified_on = fields.Date()
    year = fields.Integer()
    amount = fields.Integer()
    payable_month = fields.Date()


class ContractOutSchema(Schema):
    id = fields.Integer()
    signed_on = fields.Date()
    size = fields.Integer()
    over_100_members = fields.Boolean()
    missions = fields.List(fields.String())
    calendar = fields.List(fields.Nested(MilestoneSchema))
    variable_amounts = fields.Dict(keys=fields.String(), values=fields.Integer())
    variable_triggers = fields.List(fields.Nested(TriggerSchema))


class YearQuerySchema(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class AnnualReportSchema(Schema):
    year = fields.Integer()
    plan = fields.Dict()
    activities = fields.List(fields.Dict())
    crises = fields.List(fields.Dict())
    alerts = fields.Dict()
    drills = fields.List(fields.Dict(), metadata={"description": "exercices d'alerte lancés dans l'année"})
    quality = fields.Dict()
    actions = fields.List(fields.Dict())
    indicators = fields.List(fields.Dict())
    variable_triggers = fields.List(fields.Dict())


class FileQuerySchema(YearQuerySchema):
    file = fields.String(load_default="pdf", validate=validate.OneOf(["pdf", "csv"]))


class ReportDocumentSchema(DocumentStatusSchema):
    """A report's file being made or made (core.documents): which file, of which year."""

    kind = fields.String()
    year = fields.Integer()
