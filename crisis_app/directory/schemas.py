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


class Text(fields.String):
    """A string without NUL characters, which PostgreSQL refuses to store or compare."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Caractère nul interdit.")
        return text


class Normalized(Text):
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
    civility = Text(allow_none=True, validate=validate.OneOf(CIVILITIES + [""]))
    last_name = Text(required=True, validate=validate.Length(min=1, max=120))
    first_name = Text(required=True, validate=validate.Length(min=1, max=120))
    profession_code = Text(required=True, validate=validate.Length(min=1, max=8),
                           metadata={"description": "code profession de l'Annuaire Santé (10 Médecin, 60 Infirmier…)"})
    profession = Text(validate=validate.Length(min=1, max=120),
                      metadata={"description": "libellé ; déduit du code s'il est connu"})
    specialty = Text(allow_none=True, validate=validate.Length(max=200))
    practice_mode = Text(allow_none=True, validate=validate.Length(max=60))
    structure_name = Text(allow_none=True, validate=validate.Length(max=200))
    structure_type = Text(allow_none=True, validate=validate.OneOf(_values(StructureType) + [""]))
    commune_code = Normalized(validation.normalize_commune_code)
    commune_name = Text(allow_none=True, validate=validate.Length(max=120))
    postal_code = Text(allow_none=True, validate=validate.Regexp(r"^(\d{5})?$", error="Code postal : 5 chiffres."))
    mobile_phone = Normalized(validation.normalize_mobile)
    structure_phone = Normalized(validation.normalize_phone)
    email = Normalized(validation.normalize_email)
    tags = fields.List(Text(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=30))
    crisis_role = Text(validate=validate.OneOf(_values(CrisisRole)))
    membership = Text(validate=validate.OneOf(_values(Membership)))

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

    @validates_schema
    def _has_profession_label(self, data, partial, **kwargs):
        code = data.get("profession_code")
        if code and not data.get("profession") and code not in validation.PROFESSIONS:
            raise ValidationError("Code profession inconnu : précisez le libellé de la profession.", "profession")

    @post_load
    def _clean(self, data, **kwargs):
        for key in ("civility", "structure_type", "specialty", "practice_mode", "structure_name", "commune_name",
                    "postal_code"):
            if key in data and not data[key]:
                data[key] = None
        if data.get("profession_code") and not data.get("profession"):
            data["profession"] = validation.PROFESSIONS[data["profession_code"]]
        if "tags" in data:
            data["tags"] = _tags(data["tags"])
        return data


class ProfessionalPatchSchema(ProfessionalInputSchema):
    """An update: every field optional, absent fields kept."""

    def __init__(self, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(**kwargs)


class ConsentStateSchema(Schema):
    granted = fields.Boolean()
    at = fields.DateTime()
    method = fields.String()


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
    consents = fields.Method("_consents", metadata={"description": "par canal (sms, email)"})
    unavailable_until = fields.DateTime(allow_none=True)
    availability_note = fields.String(allow_none=True)
    confirmed_at = fields.DateTime(allow_none=True)
    freshness = fields.Method("_freshness", metadata={"description": "ok (< 6 mois), warn (6 à 12), alert"})
    updated_at = fields.DateTime()

    def _consents(self, obj) -> dict:
        return {c.channel.value: ConsentStateSchema().dump(c) for c in obj.consents}

    def _freshness(self, obj) -> str:
        return validation.freshness(obj.confirmed_at)


class DirectoryQuerySchema(Schema):
    """Search criteria: the same for a listing, a saved audience and an export."""

    q = Text(validate=validate.Length(max=120), metadata={"description": "nom, prénom, RPPS ou ADELI"})
    profession_code = fields.List(Text(validate=validate.Length(max=8)))
    commune_code = fields.List(Text(validate=validate.Length(max=5)))
    tag = fields.List(Text(validate=validate.Length(max=60)))
    crisis_role = fields.List(Text(validate=validate.OneOf(_values(CrisisRole))))
    structure_type = fields.List(Text(validate=validate.OneOf(_values(StructureType))))
    membership = Text(validate=validate.OneOf(_values(Membership)))
    consent = Text(validate=validate.OneOf(_values(Channel)),
                   metadata={"description": "seulement les personnes joignables sur ce canal"})
    to_confirm = fields.Boolean(metadata={"description": "seulement les fiches non confirmées depuis 6 mois"})
    include_inactive = fields.Boolean(load_default=False)

    @post_load
    def _drop_empty(self, data, **kwargs):
        return {k: v for k, v in data.items()
                if v not in (None, "", []) and (v is not False or k == "include_inactive")}


class PageQuerySchema(DirectoryQuerySchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class ReachSchema(Schema):
    people = fields.Integer()
    phones = fields.Integer(metadata={"description": "mobiles joignables (consentement SMS en vigueur)"})
    emails = fields.Integer(metadata={"description": "e-mails joignables (consentement e-mail en vigueur)"})


class ProfessionalPageSchema(Schema):
    items = fields.List(fields.Nested(ProfessionalSchema))
    total = fields.Integer()
    reach = fields.Nested(ReachSchema)


class ConsentInputSchema(Schema):
    channel = Text(required=True, validate=validate.OneOf(_values(Channel)))
    granted = fields.Boolean(required=True)
    method = Text(required=True, validate=validate.Length(min=2, max=120),
                  metadata={"description": "comment le consentement a été recueilli ou retiré"})

    @post_load
    def _strip(self, data, **kwargs):
        data["method"] = data["method"].strip()
        if len(data["method"]) < 2:
            raise ValidationError("Précisez comment le consentement a été recueilli.", "method")
        return data


class AudienceInputSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(allow_none=True, validate=validate.Length(max=500))
    kind = Text(required=True, validate=validate.OneOf(_values(AudienceKind)))
    criteria = fields.Nested(DirectoryQuerySchema, load_default=dict)
    professional_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
                                   load_default=list, validate=validate.Length(max=5000))
    for_exercises = fields.Boolean(load_default=False)

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
        from crisis_app.directory import audiences

        return ReachSchema().dump(audiences.reach(obj))


class AudienceListSchema(Schema):
    items = fields.List(fields.Nested(AudienceSchema))
    total = fields.Integer()


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
    kind = Text(required=True, validate=validate.OneOf(_values(OrganisationKind)))
    receives_evaluations = fields.Boolean(load_default=True)
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
    kind = Text(validate=validate.OneOf(_values(OrganisationKind)))
    receives_evaluations = fields.Boolean()
    active = fields.Boolean()
    contacts = fields.List(fields.Nested(OrganisationContactSchema), validate=validate.Length(max=50))


class OrganisationListSchema(Schema):
    items = fields.List(fields.Nested(OrganisationSchema))
    total = fields.Integer()
