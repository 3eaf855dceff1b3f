"""marshmallow schemas of crises: what the API accepts (validated before any service runs) and what it shows."""

from __future__ import annotations

from marshmallow import Schema, fields, post_dump, validate

from crisis_app.actionplan.vocab import ActionStatus
from crisis_app.core.fields import StrictBoolean
from crisis_app.core.schemas import DeliverySchema
from crisis_app.core.vocabulary import Gradation, Typology
from crisis_app.crises.models import WRITABLE_KINDS, Authority

MAX_ID = 2**31 - 1
_id = {"strict": True, "validate": validate.Range(min=1, max=MAX_ID)}
_gradation = {"strict": True, "validate": validate.OneOf([g.value for g in Gradation],
                                                         error="Gradation inconnue : 0 (veille), 1 ou 2.")}


class CrisisCreateSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    typology = fields.Integer(required=True, strict=True, validate=validate.OneOf([t.value for t in Typology]))
    gradation = fields.Integer(load_default=1, **_gradation)
    authority = fields.String(required=True, validate=validate.OneOf([a.value for a in Authority]))
    authority_reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    qualified_at = fields.AwareDateTime(load_default=None, allow_none=True)
    is_exercise = StrictBoolean(load_default=False)


class LevelSchema(Schema):
    gradation = fields.Integer(required=True, **_gradation)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class CloseSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    notify_end = StrictBoolean(load_default=True, metadata={
        "description": "Send the end message to everyone the crisis's running alerts reached (default: yes)."})
    end_message = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=480),
                                metadata={"description": "The end message; by default « Crise \"…\" close : merci de "
                                                         "votre mobilisation… » (GSM-7)."})


class CrisisSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    typology = fields.Integer()
    typology_label = fields.String()
    gradation = fields.Integer()
    gradation_label = fields.String()
    authority = fields.String(allow_none=True)
    authority_reference = fields.String(allow_none=True)
    qualified_at = fields.DateTime(allow_none=True)
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    close_reason = fields.String(allow_none=True)
    is_exercise = fields.Boolean()
    active = fields.Boolean()


class CrisisListSchema(Schema):
    items = fields.List(fields.Nested(CrisisSchema))
    total = fields.Integer()


class AskedSchema(Schema):
    title = fields.String()
    sent_at = fields.DateTime()
    text = fields.String()
    answer = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)


class CurrentCrisisSchema(Schema):
    """What any signed-in person may know: that a crisis is on, and what they were asked during it."""

    id = fields.Integer()
    title = fields.String()
    typology_label = fields.String()
    gradation = fields.Integer()
    gradation_label = fields.String()
    is_exercise = fields.Boolean()
    opened_at = fields.DateTime()
    asked = fields.List(fields.Nested(AskedSchema))


class CurrentListSchema(Schema):
    items = fields.List(fields.Nested(CurrentCrisisSchema))
    total = fields.Integer()


class JournalInputSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in WRITABLE_KINDS]))
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    corrects = fields.Integer(load_default=None, allow_none=True, **_id)


class JournalQuerySchema(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class JournalEntrySchema(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    at = fields.DateTime()
    kind = fields.String()
    kind_label = fields.String(attribute="kind.label")
    text = fields.String()
    author = fields.String(attribute="author_label")
    corrects = fields.Integer(attribute="corrects_id", allow_none=True)
    prev_hash = fields.String()
    hash = fields.String()


class JournalListSchema(Schema):
    items = fields.List(fields.Nested(JournalEntrySchema))
    total = fields.Integer()


# the action plan's statuses, and those RETEX actions had before it (todo, in_progress, done)
ACTION_STATUS_VALUES = [s.value for s in ActionStatus] + ["todo", "in_progress", "done"]


class ActionSchema(Schema):
    """A RETEX action, kept in the action plan: ``owner`` is a name (matched to the directory or the accounts, else
    kept as written) unless ``owner_professional_id`` or ``owner_user_id`` names the person; ``id`` rewrites an
    action already decided; the status moves through the follow-up, not here."""

    id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    owner = fields.String(load_default=None, validate=validate.Length(min=1, max=200))
    owner_professional_id = fields.Integer(load_default=None, allow_none=True,
                                           validate=validate.Range(min=1, max=MAX_ID))
    owner_user_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    due_on = fields.Date(load_default=None, allow_none=True)
    status = fields.String(load_default=None, validate=validate.OneOf(ACTION_STATUS_VALUES))

    @post_dump(pass_original=True)
    def _owner_name(self, data: dict, action, **kwargs) -> dict:
        data["owner"] = action.owner_name
        return data


class ActionDumpSchema(ActionSchema):
    status_label = fields.String(dump_only=True)
    evidence_note = fields.String(dump_only=True, allow_none=True)
    done_on = fields.Date(dump_only=True, allow_none=True)
    verified_on = fields.Date(dump_only=True, allow_none=True)
    source = fields.String(dump_only=True, attribute="source_label")


class EvaluationInputSchema(Schema):
    worked = fields.String(load_default="", validate=validate.Length(max=20_000))
    not_worked = fields.String(load_default="", validate=validate.Length(max=20_000))
    actions = fields.List(fields.Nested(ActionSchema), load_default=list, validate=validate.Length(max=50))


class EvaluationSendSchema(Schema):
    contact_ids = fields.List(fields.Integer(strict=True), load_default=None, allow_none=True,
                              validate=validate.Length(max=200), metadata={
                                  "description": "Partner contacts to send to; by default those of the organisations "
                                                 "the plan in force names."})
    extra_emails = fields.List(fields.String(validate=validate.Length(max=254)), load_default=list,
                               validate=validate.Length(max=20),
                               metadata={"description": "Other addresses (a neighbouring CPTS, a hospital)."})


class EvaluationSchema(Schema):
    crisis_id = fields.Integer()
    status = fields.Function(lambda e: e.status.value)
    figures = fields.Dict()
    worked = fields.String()
    not_worked = fields.String()
    actions = fields.List(fields.Nested(ActionDumpSchema))
    validated_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    deliveries = fields.Method("_deliveries")

    def _deliveries(self, evaluation) -> list:
        from crisis_app.crises import retex

        return DeliverySchema(many=True).dump(retex.deliveries(evaluation))


class SituationCreateSchema(Schema):
    text = fields.String(validate=validate.Length(min=1, max=20_000),
                         metadata={"description": "Texte (par défaut : composé à partir de ce qui s'est passé depuis "
                                                  "le point précédent)"})


class SituationSendSchema(Schema):
    organisation_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
                                   required=True, validate=validate.Length(min=1, max=50),
                                   metadata={"description": "Organisations partenaires destinataires"})


class SituationReportSchema(Schema):
    number = fields.Integer()
    since = fields.DateTime()
    created_at = fields.DateTime()
    author = fields.String(attribute="author_label")
    gradation = fields.Integer()
    text = fields.String()
    figures = fields.Dict()
    sent_at = fields.DateTime(allow_none=True)
    organisation_ids = fields.List(fields.Integer())


class SituationListSchema(Schema):
    items = fields.List(fields.Nested(SituationReportSchema))
    total = fields.Integer()


class PublicPageInputSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                         metadata={"description": "Ce qui se passe, en quelques lignes, sans donnée personnelle"})
    places = fields.String(load_default="", validate=validate.Length(max=3000),
                           metadata={"description": "Lieux ouverts tenus par le référent, un par ligne"})


class PublicPageSchema(Schema):
    published = fields.Boolean(attribute="live")
    url = fields.String()
    text = fields.String()
    places = fields.String()
    published_at = fields.DateTime(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
