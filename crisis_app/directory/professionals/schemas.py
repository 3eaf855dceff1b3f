"""marshmallow schemas of professionals and their consents: what may be written, what the API shows."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate, validates_schema

from crisis_app.core.fields import StrictBoolean
from crisis_app.directory import validation
from crisis_app.directory.professionals.models import Channel, CrisisRole, Membership, StructureType
from crisis_app.directory.schemas import Normalized, ReachSchema, Text, enum_values, refuse_empty

CIVILITIES = ["M.", "Mme", "Dr", "Pr"]


def _tags(value: list[str]) -> list[str]:
    return sorted({t.strip().lower() for t in value if t and t.strip()})


class ProfessionalInputSchema(Schema):
    """What may be written on a professional; ``partial=True`` for updates."""

    rpps = Normalized(validation.normalize_rpps, metadata={"description": "11 chiffres, clé de Luhn"})
    adeli = Normalized(validation.normalize_adeli, metadata={"description": "9 chiffres, clé de Luhn"})
    civility = Text(allow_none=True, validate=validate.OneOf(CIVILITIES + [""]))
    last_name = Text(required=True, validate=validate.Length(min=1, max=120))
    first_name = Text(required=True, validate=validate.Length(min=1, max=120))
    profession_code = Text(required=True, validate=validate.OneOf(
                               list(validation.PROFESSIONS), error="Code profession inconnu de la nomenclature de "
                               "l'Annuaire Santé (10 Médecin, 60 Infirmier…)."),
                           metadata={"description": "code profession de l'Annuaire Santé (10 Médecin, 60 Infirmier…)"})
    profession = Text(validate=validate.Length(min=1, max=120),
                      metadata={"description": "libellé ; déduit du code s'il est connu"})
    specialty = Text(allow_none=True, validate=validate.Length(max=200))
    practice_mode = Text(allow_none=True, validate=validate.Length(max=60))
    structure_name = Text(allow_none=True, validate=validate.Length(max=200))
    structure_type = Text(allow_none=True, validate=validate.OneOf(enum_values(StructureType) + [""]))
    commune_code = Normalized(validation.normalize_commune_code)
    commune_name = Text(allow_none=True, validate=validate.Length(max=120))
    postal_code = Text(allow_none=True, validate=validate.Regexp(r"^(\d{5})?$", error="Code postal : 5 chiffres."))
    mobile_phone = Normalized(validation.normalize_mobile)
    mobile_shared = StrictBoolean(metadata={
        "description": "mobile partagé par plusieurs fiches actives (cabinet, standard) : sans ce marquage, deux "
                       "fiches actives ne peuvent pas avoir le même mobile"})
    structure_phone = Normalized(validation.normalize_phone)
    email = Normalized(validation.normalize_email)
    tags = fields.List(Text(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=30))
    crisis_role = Text(validate=validate.OneOf(enum_values(CrisisRole)))
    membership = Text(validate=validate.OneOf(enum_values(Membership)))

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
        if data.get("profession_code") and not data.get("profession"):
            data["profession"] = validation.PROFESSIONS[data["profession_code"]]
        if "tags" in data:
            data["tags"] = _tags(data["tags"])
        return data


class ProfessionalPatchSchema(ProfessionalInputSchema):
    """An update: every field optional, absent fields kept; at least one field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(**kwargs)

    @validates_schema(pass_original=True)
    def _not_empty(self, data, original, **kwargs):
        refuse_empty(data, original)


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
    mobile_shared = fields.Boolean()
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


class ProfessionalPageSchema(Schema):
    items = fields.List(fields.Nested(ProfessionalSchema))
    total = fields.Integer()
    reach = fields.Nested(ReachSchema)


class ConsentInputSchema(Schema):
    channel = Text(required=True, validate=validate.OneOf(enum_values(Channel)))
    granted = StrictBoolean(required=True)
    method = Text(required=True, validate=validate.Length(min=2, max=120),
                  metadata={"description": "comment le consentement a été recueilli ou retiré"})

    @post_load
    def _strip(self, data, **kwargs):
        data["method"] = data["method"].strip()
        if len(data["method"]) < 2:
            raise ValidationError("Précisez comment le consentement a été recueilli.", "method")
        return data
