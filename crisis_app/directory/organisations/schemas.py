"""marshmallow schemas of partner organisations and their contacts."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from crisis_app.core.fields import StrictBoolean
from crisis_app.directory import validation
from crisis_app.directory.organisations.models import OrganisationKind
from crisis_app.directory.schemas import Normalized, Text, enum_values, refuse_empty


class OrganisationContactSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    function = Text(allow_none=True, validate=validate.Length(max=200))
    email = Normalized(validation.normalize_email)
    phone = Normalized(validation.normalize_phone)

    @pre_load
    def _strip(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}

    @validates_schema
    def _reachable(self, data, **kwargs):
        if not data.get("email") and not data.get("phone"):
            raise ValidationError("Indiquez une adresse e-mail ou un téléphone pour ce contact.", "email")

    @post_load
    def _blank_is_none(self, data, **kwargs):
        if "function" in data and not data["function"]:
            data["function"] = None  # an empty form field is no function, as when none was given
        return data


class OrganisationSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = Text(required=True, validate=validate.OneOf(enum_values(OrganisationKind)))
    receives_evaluations = StrictBoolean(load_default=True)
    active = fields.Boolean(dump_only=True)
    contacts = fields.List(fields.Nested(OrganisationContactSchema), load_default=list,
                           validate=validate.Length(max=50))

    @pre_load
    def _strip_name(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            data = {**data, "name": data["name"].strip()}
        return data


class OrganisationUpdateSchema(OrganisationSchema):
    """PATCH: every field optional; ``contacts`` replaces the whole list; ``active`` (de)activates."""

    name = Text(validate=validate.Length(min=1, max=200))
    kind = Text(validate=validate.OneOf(enum_values(OrganisationKind)))
    receives_evaluations = StrictBoolean()
    active = StrictBoolean()
    contacts = fields.List(fields.Nested(OrganisationContactSchema), validate=validate.Length(max=50))

    @validates_schema(pass_original=True)
    def _not_empty(self, data, original, **kwargs):
        refuse_empty(data, original)


class OrganisationListSchema(Schema):
    items = fields.List(fields.Nested(OrganisationSchema))
    total = fields.Integer()


class OrganisationQuerySchema(Schema):
    include_inactive = fields.Boolean(load_default=False)
