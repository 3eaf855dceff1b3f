"""marshmallow schemas of the directory: validation of every write (UI, API, imports) lives here."""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from crisis_app.directory import validation
from crisis_app.directory.models import (
    AudienceKind,
    Channel,
    CrisisRole,
    Membership,
    OrganisationKind,
    StructureType,
)

CIVILITIES = ["M.", "Mme", "Dr", "Pr"]


class Normalized(fields.String):
    """A string passed through one of ``validation``'s normalisers; empty means absent."""

    def __init__(self, normalizer: Callable[[str], str], **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)
        self.normalizer = normalizer

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.strip():
            return None
        try:
            return self.normalizer(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def _values(enum) -> list[str]:
    return [m.value for m in enum]


def _tags(value: list[str]) -> list[str]:
    return sorted({t.strip().lower() for t in value if t and t.strip()})


class ProfessionalInputSchema(Schema):
    """What may be written on a professional; ``partial=True`` for updates."""

    rpps = Normalized(validation.normalize_rpps, metadata={"description": "11 chiffres, clé de Luhn"})
    adeli = Normalized(validation.normalize_adeli, metadata={"description": "9 chiffres, clé de Luhn"})
    civility = fields.String(allow_none=True, validate=validate.OneOf(CIVILITIES + [""]))
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    profession_code = fields.String(required=True, validate=validate.Length(min=1, max=8))
    profession = fields.String(required=True, validate=validate.Length(min=1, max=120))
    specialty = fields.String(allow_none=True, validate=validate.Length(max=200))
    practice_mode = fields.String(allow_none=True, validate=validate.Length(max=60))
    structure_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    structure_type = fields.String(allow_none=True, validate=validate.OneOf(_values(StructureType) + [""]))
    commune_code = Normalized(validation.normalize_commune_code)
    commune_name = fields.String(allow_none=True, validate=validate.Length(max=120))
    postal_code = fields.String(allow_none=True, validate=validate.Regexp(r"^(\d{5})?$",
                                                                          error="Code postal : 5 chiffres."))
    mobile_phone = Normalized(validation.normalize_mobile)
    structure_phone = Normalized(validation.normalize_phone)
    email = Normalized(validation.normalize_email)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=30))
    crisis_role = fields.String(validate=validate.OneOf(_values(CrisisRole)))
    membership = fields.String(validate=validate.OneOf(_values(Membership)))

    @pre_load
    def _strip(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}

    @validates_schema
    def _has_identifier(self, data, partial, **kwargs):
        if partial:
            return
        if not data.get("rpps") and not data.get("adeli"):
            raise ValidationError("Indiquez un numéro RPPS ou ADELI.", "rpps")

    @post_load
    def _clean(self, data, **kwargs):
        for key in ("civility", "structure_type", "specialty", "practice_mode", "structure_name", "commune_name",
                    "postal_code"):
            if key in data and not data[key]:
                data[key] = None
        if "tags" in data:
            data["tags"] = _tags(data["tags"])
        return data


class ProfessionalSchema(Schema):
    """A professional as the API shows it."""

    id = fields.Integer()
    rpps = fields.String(allow_none=True)
    adeli = fields.String(allow_none=True)
    national_id = fields.String(allow_none=True)
    civility = fields.String(allow_none=True)
    last_name = fields.String()
    first_name = fields.String()
    profession_code = fields.String()
    profession = fields.String()
    specialty = fields.String(allow_none=True)
    practice_mode = fields.String(allow_none=True)
    structure_name = fields.String(allow_none=True)
    structure_type = fields.String(allow_none=True)
    commune_code = fields.String(allow_none=True)
    commune_name = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    mobile_phone = fields.String(allow_none=True)
    structure_phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    tags = fields.List(fields.String(), attribute="skill_list")
    crisis_role = fields.String()
    membership = fields.String()
    active = fields.Boolean()
    consents = fields.Method("_consents")
    confirmed_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()

    def _consents(self, obj) -> dict:
        return {c.channel.value: {"granted": c.granted, "at": c.at.isoformat(), "method": c.method}
                for c in obj.consents}


class DirectoryQuerySchema(Schema):
    """Search criteria: the same for a listing, a saved audience and an export."""

    q = fields.String(validate=validate.Length(max=120), metadata={"description": "nom, prénom, RPPS ou ADELI"})
    profession_code = fields.List(fields.String(validate=validate.Length(max=8)))
    commune_code = fields.List(fields.String(validate=validate.Length(max=5)))
    tag = fields.List(fields.String(validate=validate.Length(max=60)))
    crisis_role = fields.List(fields.String(validate=validate.OneOf(_values(CrisisRole))))
    structure_type = fields.List(fields.String(validate=validate.OneOf(_values(StructureType))))
    membership = fields.String(validate=validate.OneOf(_values(Membership)))
    consent = fields.String(validate=validate.OneOf(_values(Channel)),
                            metadata={"description": "seulement les personnes joignables sur ce canal"})
    include_inactive = fields.Boolean(load_default=False)

    @post_load
    def _drop_empty(self, data, **kwargs):
        return {k: v for k, v in data.items() if v not in (None, "", [])}


class PageQuerySchema(DirectoryQuerySchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class ProfessionalPageSchema(Schema):
    items = fields.List(fields.Nested(ProfessionalSchema))
    total = fields.Integer()


class ConsentInputSchema(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(_values(Channel)))
    granted = fields.Boolean(required=True)
    method = fields.String(required=True, validate=validate.Length(min=2, max=120),
                           metadata={"description": "comment le consentement a été recueilli ou retiré"})


class AudienceInputSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(allow_none=True, validate=validate.Length(max=500))
    kind = fields.String(required=True, validate=validate.OneOf(_values(AudienceKind)))
    criteria = fields.Nested(DirectoryQuerySchema, load_default=dict)
    professional_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1)),
                                   load_default=list, validate=validate.Length(max=5000))
    for_exercises = fields.Boolean(load_default=False)

    @validates_schema
    def _list_has_members(self, data, **kwargs):
        if data.get("kind") == AudienceKind.LIST.value and not data.get("professional_ids"):
            raise ValidationError("Une liste fixe doit contenir au moins une personne.", "professional_ids")


class ReachSchema(Schema):
    people = fields.Integer()
    phones = fields.Integer(metadata={"description": "mobiles joignables (consentement SMS en vigueur)"})
    emails = fields.Integer(metadata={"description": "e-mails joignables (consentement e-mail en vigueur)"})


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
        from crisis_app.directory import audiences

        return ReachSchema().dump(audiences.reach(obj))


class OrganisationContactSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    function = fields.String(allow_none=True, validate=validate.Length(max=200))
    email = Normalized(validation.normalize_email)
    phone = Normalized(validation.normalize_phone)


class OrganisationSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(_values(OrganisationKind)))
    receives_evaluations = fields.Boolean(load_default=True)
    active = fields.Boolean(dump_only=True)
    contacts = fields.List(fields.Nested(OrganisationContactSchema), load_default=list,
                           validate=validate.Length(max=50))
