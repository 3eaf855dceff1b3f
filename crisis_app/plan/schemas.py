"""marshmallow schemas of the plan: each section as it may be written, and the API's answers."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from crisis_app.core.schemas import DeliverySchema
from crisis_app.core.vocabulary import QuestionKind
from crisis_app.plan.models import ActivityKind, PlanStatus
from crisis_app.plan.outline import ANTICIPATION_FIELDS, MEASURE_FIELDS, PILOTAGE_FIELDS, RETEX_FIELDS

MAX_ID = 2**31 - 1
LONG_TEXT = 4000
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class Text(fields.String):
    """A stripped string without control characters other than line breaks and tabs (PostgreSQL refuses NUL)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip().replace("\r\n", "\n")
        if any(ord(c) < 32 and c not in "\n\t" for c in text):
            raise ValidationError("Caractères de contrôle interdits.")
        return text


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _long(**kwargs) -> Text:
    return Text(load_default="", validate=validate.Length(max=LONG_TEXT), **kwargs)


class AnticipationSchema(Schema):
    referent_id = _id(allow_none=True, load_default=None,
                      metadata={"description": "Référent crise sanitaire (id de l'annuaire)"})
    suppleant_id = _id(allow_none=True, load_default=None, metadata={"description": "Suppléant (id de l'annuaire)"})
    directory_notes = _long(metadata={"description": ANTICIPATION_FIELDS["directory_notes"]})
    stock_notes = _long(metadata={"description": ANTICIPATION_FIELDS["stock_notes"]})

    @validates_schema
    def _distinct_people(self, data, **kwargs):
        if data.get("referent_id") and data.get("referent_id") == data.get("suppleant_id"):
            raise ValidationError("Le suppléant doit être une autre personne que le référent.", "suppleant_id")


class DirectoryFilterSchema(Schema):
    """The professionals to mobilise, as a directory search the alert composer can turn into an audience."""

    profession_code = fields.List(Text(validate=validate.Length(min=1, max=8)), validate=validate.Length(max=30))
    tag = fields.List(Text(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=30))


class PresetSchema(Schema):
    key = Text(required=True, validate=validate.Regexp(KEY_RE, error="Clé : lettres minuscules, chiffres et "
                                                                       "tirets (40 au plus)."))
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    sms = Text(required=True, validate=validate.Length(min=1, max=640))
    email = Text(required=True, validate=validate.Length(min=1, max=LONG_TEXT))
    question = fields.String(load_default="none", validate=validate.OneOf([q.value for q in QuestionKind]))


class MeasureSchema(Schema):
    typology = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=5))
    gradation = fields.Integer(strict=True, required=True, validate=validate.OneOf([1, 2]))
    directory_filter = fields.Nested(DirectoryFilterSchema, load_default=dict)
    presets = fields.List(fields.Nested(PresetSchema), load_default=list, validate=validate.Length(max=10))
    needs = _long(metadata={"description": MEASURE_FIELDS["needs"]})
    mobilisation = _long(metadata={"description": MEASURE_FIELDS["mobilisation"]})
    circuits = _long(metadata={"description": MEASURE_FIELDS["circuits"]})
    continuity_ald = _long(metadata={"description": MEASURE_FIELDS["continuity_ald"]})
    protocols = _long(metadata={"description": MEASURE_FIELDS["protocols"]})
    equipment = _long(metadata={"description": MEASURE_FIELDS["equipment"]})
    population = _long(metadata={"description": MEASURE_FIELDS["population"]})

    @validates_schema
    def _unique_keys(self, data, **kwargs):
        keys = [p["key"] for p in data.get("presets", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError("Deux modèles d'alerte portent la même clé.", "presets")


class NotApplicableSchema(Schema):
    """A typology the CPTS declares "sans objet sur notre territoire", with the reason the outline asks for."""

    typology = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=5))
    reason = Text(required=True, validate=validate.Length(min=3, max=1000,
                                                          error="Raison : entre {min} et {max} caractères."))


class AdaptationSchema(Schema):
    measures = fields.List(fields.Nested(MeasureSchema), load_default=list, validate=validate.Length(max=10))
    not_applicable = fields.List(fields.Nested(NotApplicableSchema), load_default=list,
                                 validate=validate.Length(max=5),
                                 metadata={"description": "Typologies sans objet sur le territoire, avec la raison"})

    @validates_schema
    def _one_per_step(self, data, **kwargs):
        steps = [(m["typology"], m["gradation"]) for m in data.get("measures", [])]
        if len(steps) != len(set(steps)):
            raise ValidationError("Une typologie ne peut être décrite qu'une fois par gradation.", "measures")
        typologies = [n["typology"] for n in data.get("not_applicable", [])]
        if len(typologies) != len(set(typologies)):
            raise ValidationError("Une typologie ne peut être déclarée sans objet qu'une fois.", "not_applicable")


class CelluleMemberSchema(Schema):
    role = Text(required=True, validate=validate.Length(min=1, max=120))
    professional_id = _id(required=True)
    backup_id = _id(allow_none=True, load_default=None)


class PilotageSchema(Schema):
    members = fields.List(fields.Nested(CelluleMemberSchema), load_default=list, validate=validate.Length(max=40))
    cellule_place = _long(metadata={"description": PILOTAGE_FIELDS["cellule_place"]})
    cellule_visio = Text(load_default="", validate=validate.Length(max=300),
                         metadata={"description": PILOTAGE_FIELDS["cellule_visio"]})
    cellule_first_briefing = Text(load_default="", validate=validate.Length(max=120),
                                  metadata={"description": PILOTAGE_FIELDS["cellule_first_briefing"]})
    cellule_mode = _long(metadata={"description": PILOTAGE_FIELDS["cellule_mode"]})
    communication_professionals = _long()
    communication_population = _long()
    communication_partners = _long()
    journal_rules = _long()


class RetexSchema(Schema):
    method = _long(metadata={"description": RETEX_FIELDS["method"]})
    recipient_ids = fields.List(_id(), load_default=list, validate=validate.Length(max=50),
                                metadata={"description": "Organisations destinataires de l'évaluation"})


SECTION_SCHEMAS = {"anticipation": AnticipationSchema, "adaptation": AdaptationSchema,
                   "pilotage": PilotageSchema, "retex": RetexSchema}


class SectionsUpdateSchema(Schema):
    """Any of the four sections; each one given replaces that section as a whole."""

    anticipation = fields.Nested(AnticipationSchema)
    adaptation = fields.Nested(AdaptationSchema)
    pilotage = fields.Nested(PilotageSchema)
    retex = fields.Nested(RetexSchema)


class ActivitySchema(Schema):
    id = fields.Integer(dump_only=True)
    year = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ActivityKind]))
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    planned_on = fields.Date(allow_none=True, load_default=None)
    done_on = fields.Date(allow_none=True, load_default=None)
    participant_ids = fields.List(_id(), load_default=list, validate=validate.Length(max=500))
    notes = Text(allow_none=True, load_default=None, validate=validate.Length(max=1000))


# --- API answers ---------------------------------------------------------------------------------

class PlanSummarySchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    status = fields.String(validate=validate.OneOf([s.value for s in PlanStatus]))


class PlanListSchema(Schema):
    items = fields.List(fields.Nested(PlanSummarySchema))
    total = fields.Integer()


class PlanSchema(PlanSummarySchema):
    status_label = fields.String(attribute="status.label")
    anticipation = fields.Nested(AnticipationSchema)
    adaptation = fields.Nested(AdaptationSchema)
    pilotage = fields.Nested(PilotageSchema)
    retex = fields.Nested(RetexSchema)
    frozen = fields.Dict(allow_none=True, metadata={"description": "Chiffres figés à la publication"})
    source_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    validated_at = fields.DateTime(allow_none=True)
    validated_by_label = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    published_by_label = fields.String(allow_none=True)
    missing = fields.List(fields.Dict(), metadata={"description": "Ce qui manque pour valider"})
    deliveries = fields.Method("_deliveries", metadata={
        "description": "Envois de la version publiée aux tutelles (ARS, CPAM, MSA), par destinataire, renvois compris"})

    def _deliveries(self, plan) -> list:
        from crisis_app.plan import dispatch

        return DeliverySchema(many=True).dump(dispatch.deliveries(plan)) if plan.is_published else []


class PlanCreateSchema(Schema):
    year = fields.Integer(strict=True, validate=validate.Range(min=2000, max=2200),
                          metadata={"description": "Année du brouillon (par défaut : l'année suivant la dernière "
                                                   "version publiée, ou l'année en cours)"})


class DiffQuerySchema(Schema):
    against = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": "Version de référence"})


class DiffSchema(Schema):
    old_id = fields.Integer()
    new_id = fields.Integer()
    sections = fields.List(fields.Dict())


class IndicatorsQuerySchema(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2200))


class IndicatorsSchema(Schema):
    year = fields.Integer()
    plan_written = fields.Boolean()
    updated_this_year = fields.Boolean()
    professionals_in_plan = fields.Integer()
    professionals_in_actions = fields.Integer()
    exercises_done = fields.Integer()
    drills_done = fields.Integer(metadata={"description": "exercices d'alerte, compris dans exercises_done"})
    sensibilisations_done = fields.Integer()
    evaluations_done = fields.Integer()


class MyPartSchema(Schema):
    year = fields.Integer(allow_none=True)
    roles = fields.List(fields.String())
    activities = fields.List(fields.Dict())


class CommentCreateSchema(Schema):
    section = fields.String(validate=validate.OneOf(list(SECTION_SCHEMAS)),
                            metadata={"description": "Section commentée (obligatoire pour un nouveau fil)"})
    text = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    thread_id = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID),
                               metadata={"description": "Fil auquel répondre"})


class CommentSchema(Schema):
    id = fields.Integer()
    section = fields.String()
    author = fields.String()
    text = fields.String()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.String(allow_none=True)


class ThreadSchema(CommentSchema):
    resolved = fields.Boolean()
    answers = fields.List(fields.Nested(CommentSchema))


class ThreadListSchema(Schema):
    items = fields.List(fields.Nested(ThreadSchema))
    total = fields.Integer()
