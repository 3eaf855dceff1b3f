"""marshmallow schemas of audiences: a saved filter or a fixed list of professionals."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from crisis_app.core.fields import StrictBoolean, StrictInteger
from crisis_app.directory.audiences.models import AudienceKind
from crisis_app.directory.schemas import DirectoryQuerySchema, ReachSchema, Text, enum_values


class CriteriaBodySchema(DirectoryQuerySchema):
    """A filter inside a JSON body: its yes/no criteria are JSON booleans (a query string's "1" is text)."""

    to_confirm = StrictBoolean(metadata={"description": "seulement les fiches non confirmées depuis 6 mois"})
    include_inactive = StrictBoolean(load_default=False)


class AudienceInputSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(allow_none=True, multiline=True, validate=validate.Length(max=500))
    kind = Text(required=True, validate=validate.OneOf(enum_values(AudienceKind)))
    criteria = fields.Nested(CriteriaBodySchema, load_default=dict)
    professional_ids = fields.List(StrictInteger(validate=validate.Range(min=1, max=2**31 - 1)),
                                   load_default=list, validate=validate.Length(max=5000))
    for_exercises = StrictBoolean(load_default=False)

    @pre_load
    def _strip_name(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            data = {**data, "name": data["name"].strip()}
        return data

    @validates_schema
    def _list_has_members(self, data, **kwargs):
        if data.get("kind") == AudienceKind.LIST.value and not data.get("professional_ids"):
            raise ValidationError("Une liste fixe doit contenir au moins une personne.", "professional_ids")


class AudienceSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String(allow_none=True)
    kind = fields.String()
    criteria = fields.Dict()
    professional_ids = fields.Method("_member_ids")
    for_exercises = fields.Boolean()
    reach = fields.Method("_reach")
    created_at = fields.DateTime()

    def _member_ids(self, obj) -> list[int]:
        return sorted(m.professional_id for m in obj.members)

    def _reach(self, obj) -> dict:
        from crisis_app.directory.audiences import services as audiences

        return ReachSchema().dump(audiences.reach(obj))


class AudienceListSchema(Schema):
    items = fields.List(fields.Nested(AudienceSchema))
    total = fields.Integer()
