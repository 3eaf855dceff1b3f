"""marshmallow schemas of the adverse-event API: what may be written, what is read back."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.core.fields import StrictBoolean
from crisis_app.core.labels import LabelledStrEnum, labels
from quality.register import vocab
from quality.register.vocab import State
from quality.validation import TEXT_MAX

MAX_ID = 2**31 - 1


def _one_of(words: type[LabelledStrEnum], **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(list(labels(words))), **kwargs)


def _text(maximum: int = TEXT_MAX, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=maximum), **kwargs)


class AdverseEventCreateSchema(Schema):
    """The short declaration form. Free texts must not identify a patient (422 names what was found)."""

    anonymous = StrictBoolean(required=True, metadata={
        "description": "true : rien n'identifie l'auteur ; la réponse donne un lien de suivi secret, affiché une "
                       "seule fois"})
    occurred_on = fields.Date(required=True)
    discovered_on = fields.Date(allow_none=True)
    place = _one_of(vocab.Place, required=True)
    professions = fields.List(_one_of(vocab.Profession), load_default=list, validate=validate.Length(max=20))
    nature = _one_of(vocab.Nature, required=True)
    reached_patient = _one_of(vocab.YesNoUnknown, required=True)
    category = _one_of(vocab.Category, required=True)
    description = _text(required=True, metadata={"description": "Sans nom, date de naissance ni NIR du patient"})
    immediate_measures = _text(required=True)
    barrier = _text(allow_none=True)
    handover = _one_of(vocab.YesNoUnknown, allow_none=True)
    avoidability = _one_of(vocab.Avoidability, allow_none=True)
    patient_informed = _one_of(vocab.PatientInformed, allow_none=True)
    patient_informed_on = fields.Date(allow_none=True)
    patient_informed_by = _text(200, allow_none=True)
    age_band = _one_of(vocab.AgeBand, allow_none=True)
    sex = _one_of(vocab.Sex, allow_none=True)
    severity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                              metadata={"description": "Gravité selon le déclarant (1 mineure … 5 catastrophique)"})
    likelihood = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5),
                                metadata={"description": "Vraisemblance selon le déclarant (1 … 5)"})


class AdverseEventCreatedSchema(Schema):
    id = fields.Integer()
    reference = fields.String()
    state = fields.String()
    follow_up_url = fields.String(allow_none=True, metadata={
        "description": "Déclaration anonyme : le lien de suivi secret (il ne sera plus jamais donné)"})


class AdverseEventSchema(Schema):
    id = fields.Integer()
    reference = fields.String()
    created_at = fields.DateTime()
    state = fields.String()
    state_label = fields.String()
    occurred_on = fields.Date()
    discovered_on = fields.Date(allow_none=True)
    place = fields.String()
    professions = fields.List(fields.String())
    nature = fields.String()
    reached_patient = fields.String()
    category = fields.String()
    description = fields.String()
    immediate_measures = fields.String()
    barrier = fields.String(allow_none=True)
    handover = fields.String(allow_none=True)
    avoidability = fields.String(allow_none=True)
    patient_informed = fields.String(allow_none=True)
    patient_informed_on = fields.Date(allow_none=True)
    patient_informed_by = fields.String(allow_none=True)
    age_band = fields.String(allow_none=True)
    sex = fields.String(allow_none=True)
    declarer_severity = fields.Integer()
    declarer_likelihood = fields.Integer()
    referent_severity = fields.Integer(allow_none=True)
    referent_likelihood = fields.Integer(allow_none=True)
    severity = fields.Integer()
    criticality = fields.Integer()
    anonymous = fields.Boolean()
    duplicate_of_id = fields.Integer(allow_none=True)
    feedback = fields.String(allow_none=True)
    is_eigs = fields.Boolean()
    eigs_part1_sent_on = fields.Date(allow_none=True)
    eigs_part2_due_on = fields.Date(allow_none=True)
    eigs_part2_sent_on = fields.Date(allow_none=True)
    ars_reference = fields.String(allow_none=True)


class AdverseEventListSchema(Schema):
    items = fields.List(fields.Nested(AdverseEventSchema))
    total = fields.Integer()


class AdverseEventQuerySchema(Schema):
    state = fields.String(validate=validate.OneOf([s.value for s in State]))
    category = _one_of(vocab.Category)
    place = _one_of(vocab.Place)
    severity = fields.Integer(validate=validate.Range(min=1, max=5))
    zone = _one_of(vocab.Zone)
    since = fields.Date()
    until = fields.Date()
    q = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class TransitionSchema(Schema):
    """Move an event along the state machine; ``severity`` and ``likelihood`` re-rate it at triage."""

    to = fields.String(required=True, validate=validate.OneOf([s.value for s in State]))
    reason = _text(1000, allow_none=True)
    duplicate_of_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
                                     metadata={"description": "Obligatoire pour « doublon »"})
    feedback = _text(allow_none=True, metadata={"description": "Retour au déclarant"})
    severity = fields.Integer(strict=True, validate=validate.Range(min=1, max=5))
    likelihood = fields.Integer(strict=True, validate=validate.Range(min=1, max=5))
