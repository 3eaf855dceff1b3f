"""marshmallow schemas of alerts: composition (validation of every send) and what the API shows."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from crisis_app.core.fields import Id, StrictBoolean
from crisis_app.core.notifications.models import DeliveryState
from crisis_app.core.vocabulary import QuestionKind, ValueKind


class OptionSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9]{1,8}$",
                                                                 error="Code de 1 à 8 lettres ou chiffres."))
    label = fields.String(required=True, validate=validate.Length(min=1, max=80))
    value = fields.String(validate=validate.OneOf([k.value for k in ValueKind]), allow_none=True,
                          metadata={"description": "la valeur que la réponse demande : time (heure), count (nombre), "
                                                   "flag (oui/non)"})


class QuotaInputSchema(Schema):
    profession = fields.String(required=True, validate=validate.Length(min=1, max=60),
                               metadata={"description": "code (60), libellé (Infirmier) ou nom courant (IDE)"})
    count = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=500))


class WaveInputSchema(Schema):
    audience_id = Id(required=True)
    wait_minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1440),
                                  metadata={"description": "attente avant la vague suivante"})


class AlertInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sms_text = fields.String(required=True, validate=validate.Length(min=1, max=480))
    email_text = fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    audience_id = Id(required=True)
    channels = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True,
                           validate=validate.Length(min=1, max=10, error="Choisissez au moins un canal."))
    crisis_id = Id(allow_none=True)
    is_exercise = StrictBoolean(load_default=False)
    question = fields.String(load_default=QuestionKind.NONE.value,
                             validate=validate.OneOf([q.value for q in QuestionKind]))
    options = fields.List(fields.Nested(OptionSchema), validate=validate.Length(max=8),
                          metadata={"description": "remplace l'échelle par défaut de la question"})
    allow_comment = StrictBoolean(load_default=True)
    escalation_minutes = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=1440))
    escalation_max = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0, max=10))
    quotas = fields.List(fields.Nested(QuotaInputSchema), validate=validate.Length(max=10),
                         metadata={"description": "N personnes à trouver par profession (« oui » comptés)"})
    waves = fields.List(fields.Nested(WaveInputSchema), validate=validate.Length(max=5),
                        metadata={"description": "audiences dans l'ordre ; la première est audience_id"})

    @validates_schema
    def _escalation_needs_delay(self, data, **kwargs):
        if data.get("escalation_max") and not data.get("escalation_minutes"):
            raise ValidationError("Indiquez après combien de minutes relancer.", "escalation_minutes")
        if data.get("escalation_max") and data.get("question", "none") == "none":
            raise ValidationError("La relance suppose une question : sans réponse attendue, personne ne serait "
                                  "jamais « sans réponse ».", "escalation_max")
        codes = [o["code"] for o in data.get("options") or []]
        if len(codes) != len(set(codes)):
            raise ValidationError("Deux réponses ont le même code.", "options")


class EndInputSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=480))


class ComplementInputSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=400))


class ComplementResultSchema(Schema):
    sent_to = fields.Integer(metadata={"description": "personnes qui reçoivent le complément"})
    added = fields.Integer(metadata={"description": "nouvelles personnes de l'audience ajoutées à l'alerte"})


class HistoryRowSchema(Schema):
    alert_id = fields.Integer()
    title = fields.String()
    is_exercise = fields.Boolean()
    asked_at = fields.DateTime()
    answer = fields.String(allow_none=True)
    available = fields.Boolean(allow_none=True)
    minutes_to_answer = fields.Float(allow_none=True)


class HistorySchema(Schema):
    """A person's answers over the last twelve months (référents only)."""

    since = fields.DateTime()
    asked = fields.Integer()
    answered = fields.Integer()
    silent = fields.Integer()
    available = fields.Integer()
    declined = fields.Integer()
    answer_rate = fields.Float(allow_none=True)
    median_minutes = fields.Float(allow_none=True)
    rows = fields.List(fields.Nested(HistoryRowSchema))


class CountsSchema(Schema):
    recipients = fields.Integer()
    unreachable = fields.Integer()
    answered = fields.Integer()
    not_answered = fields.Integer()
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_channel = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))
    by_answer = fields.Dict(keys=fields.String(), values=fields.Integer())
    people = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "per person: reached, waiting, failed"})


class AlertSummarySchema(Schema):
    id = fields.Integer()
    title = fields.String()
    sms_text = fields.String()
    email_text = fields.String()
    channels = fields.List(fields.String())
    audience_id = fields.Integer(allow_none=True)
    audience_name = fields.String()
    crisis_id = fields.Integer(allow_none=True)
    is_exercise = fields.Boolean()
    question = fields.String(attribute="question_kind")
    options = fields.List(fields.Nested(OptionSchema))
    escalation_minutes = fields.Integer(allow_none=True)
    escalation_max = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime()
    reply_code = fields.String(allow_none=True, metadata={"description": "lettre des réponses SMS (« A » : A1, A2…)"})
    cancelled_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)


class QuotaSchema(Schema):
    profession_code = fields.String()
    profession = fields.String()
    count = fields.Integer()
    confirmed = fields.Integer()
    complete = fields.Boolean()
    completed_at = fields.DateTime(allow_none=True)
    asked = fields.Integer()
    reserve = fields.Integer()
    silent = fields.Integer()
    no = fields.Integer()


class WaveSchema(Schema):
    position = fields.Integer()
    audience_id = fields.Integer(allow_none=True)
    audience_name = fields.String()
    wait_minutes = fields.Integer()
    launched_at = fields.DateTime(allow_none=True)
    asked = fields.Integer()


class WavesSchema(Schema):
    items = fields.List(fields.Nested(WaveSchema))
    complete = fields.Boolean(metadata={"description": "chaque profession a son nombre : plus aucune vague ne part"})
    next_due_at = fields.DateTime(allow_none=True)


class OfferLineSchema(Schema):
    label = fields.String()
    kind = fields.String()
    people = fields.Integer()
    total = fields.Integer(metadata={"description": "somme (count) ou nombre de oui (flag)"})
    latest = fields.String(allow_none=True, metadata={"description": "heure la plus tardive (time), HH:MM"})
    text = fields.String()


class AlertSchema(AlertSummarySchema):
    counts = fields.Method("_counts")
    quotas = fields.Method("_quotas", metadata={"description": "par profession : demandés, confirmés / N, réserve"})
    waves = fields.Method("_waves")
    offer = fields.Method("_offer", metadata={"description": "valeurs des réponses additionnées (libéraux)"})

    def _offer(self, obj) -> list:
        from crisis_app.alerts import offer

        return OfferLineSchema(many=True).dump(offer.of_alert(obj))

    def _counts(self, obj) -> dict:
        from crisis_app.alerts import services

        return CountsSchema().dump(services.counts(obj))

    def _quotas(self, obj) -> list:
        from crisis_app.alerts.mobilisation import figures

        return QuotaSchema(many=True).dump(figures.quotas(obj))

    def _waves(self, obj) -> dict:
        from crisis_app.alerts.mobilisation import figures

        return WavesSchema().dump(figures.waves(obj))


class AlertListSchema(Schema):
    items = fields.List(fields.Nested(AlertSummarySchema))
    total = fields.Integer()


class DeliveryQuerySchema(Schema):
    state = fields.String(validate=validate.OneOf([s.value for s in DeliveryState]))
    channel = fields.String(validate=validate.Length(max=40))
    answered = fields.Boolean()
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class DeliverySchema(Schema):
    """A delivery of the alert's message; ``recipient`` is the alert recipient (answer included), if any."""

    id = fields.Integer()
    recipient_id = fields.Function(lambda d: d.alert_recipient.id if d.alert_recipient else None, allow_none=True)
    name = fields.Function(lambda d: d.recipient.name if d.recipient else d.address)
    channel = fields.String()
    address = fields.String()
    purpose = fields.String()
    round = fields.Integer()
    state = fields.String()
    attempts = fields.Integer()
    sent_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    answer_code = fields.Function(lambda d: d.alert_recipient.answer_code if d.alert_recipient else None,
                                  allow_none=True)
    answer_comment = fields.Function(lambda d: d.alert_recipient.answer_comment if d.alert_recipient else None,
                                     allow_none=True)
    answer_value = fields.Function(lambda d: d.alert_recipient.answer_value if d.alert_recipient else None,
                                   allow_none=True)


class DeliveryListSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema))
    total = fields.Integer()
