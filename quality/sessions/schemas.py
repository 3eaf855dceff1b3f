"""marshmallow schemas of the sessions, analyses, actions and indicators API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.core.fields import StrictBoolean
from quality import vocab_sessions as words

MAX_ID = 2**31 - 1


def _ids(**kwargs) -> fields.List:
    return fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
                       validate=validate.Length(max=500), **kwargs)


def _text(maximum: int = 4000, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=maximum), **kwargs)


class QualitySessionWriteSchema(Schema):
    kind = fields.String(validate=validate.OneOf([k.value for k in words.SessionKind]))
    title = _text(200, allow_none=True)
    starts_at = fields.AwareDateTime(default_timezone=None, metadata={"description": "ISO 8601 ; sans fuseau : "
                                                                      "heure de Paris"})
    duration_minutes = fields.Integer(strict=True, validate=validate.Range(min=15, max=480))
    place = _text(300, allow_none=True)
    video_url = _text(500, allow_none=True)
    lead_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    professional_ids = _ids()
    user_ids = _ids()
    event_ids = _ids()
    theme_ids = _ids()
    invite = StrictBoolean(load_default=False)


class QualitySessionCreateSchema(QualitySessionWriteSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in words.SessionKind]))
    starts_at = fields.DateTime(required=True)


class QualitySessionUpdateSchema(QualitySessionWriteSchema):
    starts_at = fields.DateTime()


class QualityParticipantSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    professional_id = fields.Integer(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    attended = StrictBoolean(allow_none=True)


class QualitySessionItemSchema(Schema):
    event_id = fields.Integer()
    decision = fields.String(allow_none=True)
    decision_label = fields.String()
    pilot_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))


class QualitySessionSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    title = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    duration_minutes = fields.Integer()
    place = fields.String(allow_none=True)
    video_url = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    uid = fields.String()
    sequence = fields.Integer()
    invited_at = fields.DateTime(allow_none=True)
    agenda_sent_at = fields.DateTime(allow_none=True)
    minutes_at = fields.DateTime(allow_none=True)
    participants = fields.List(fields.Nested(QualityParticipantSchema))
    items = fields.List(fields.Nested(QualitySessionItemSchema))


class QualitySessionListSchema(Schema):
    items = fields.List(fields.Nested(QualitySessionSchema))
    total = fields.Integer()


class QualityPageSchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class QualityAttendanceSchema(Schema):
    present_ids = _ids(required=True, metadata={"description": "Identifiants des participants présents"})


class QualityCancelSchema(Schema):
    reason = _text(1000, allow_none=True)


class QualityTraceurStepSchema(Schema):
    when = _text(60, allow_none=True, metadata={"description": "Relatif (J0, semaine 2…), jamais une date de "
                                                               "naissance"})
    setting = fields.String(required=True, validate=validate.OneOf(list(words.TRACEUR_SETTINGS)))
    description = _text(required=True)
    interface_with = fields.String(allow_none=True, validate=validate.OneOf(list(words.TRACEUR_SETTINGS)))
    procedure = _text(300, allow_none=True)
    gap = _text(allow_none=True, metadata={"description": "Écart à la procédure ou au protocole de la CPTS"})


class QualityTraceurSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(max=40),
                          metadata={"description": "Étiquette pseudonyme (« Patient A », « PT-2026-03 »)"})
    agreement_on = fields.Date(required=True)
    agreement_how = fields.String(required=True, validate=validate.OneOf(list(words.AGREEMENT_HOW)))
    interview_summary = _text(allow_none=True)
    animateur_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    steps = fields.List(fields.Nested(QualityTraceurStepSchema), validate=validate.Length(max=60))
    id = fields.Integer(dump_only=True)


class QualityHoldSchema(Schema):
    summary = _text(allow_none=True, metadata={"description": "Synthèse de la séance (sans donnée identifiante)"})


class QualityDecisionSchema(Schema):
    event_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    decision = fields.String(required=True, validate=validate.OneOf([d.value for d in words.Decision]))
    pilot_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    method = fields.String(allow_none=True, validate=validate.OneOf(list(words.ANALYSIS_METHODS)))
    note = _text(allow_none=True)


class QualityMinutesSchema(Schema):
    send = StrictBoolean(load_default=False)


class QualityBarrierSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(list(words.BARRIER_KINDS)))
    outcome = fields.String(required=True, validate=validate.OneOf(list(words.BARRIER_OUTCOMES)))
    text = _text(1000, allow_none=True)


class QualityAnalysisWriteSchema(Schema):
    event_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    method = fields.String(validate=validate.OneOf(list(words.ANALYSIS_METHODS)))
    pilot_user_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    steps = fields.Dict(keys=fields.String(validate=validate.OneOf(list(words.ORION_STEPS))), values=_text())
    factors = fields.Dict(keys=fields.String(validate=validate.OneOf(
        list({**words.ORION_FACTOR_FAMILIES, **words.ALARM_FACTORS}))), values=_text())
    barriers = fields.List(fields.Nested(QualityBarrierSchema), validate=validate.Length(max=30))
    lessons = _text(allow_none=True)


class QualityAnalysisStepSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf(["presentee", "validee"]))
    session_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                                metadata={"description": "La séance qui valide (pour « validee »)"})


class QualityAnalysisSchema(Schema):
    id = fields.Integer()
    event_id = fields.Integer(allow_none=True)
    method = fields.String()
    status = fields.String()
    status_label = fields.String()
    pilot_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    steps = fields.Dict()
    factors = fields.Dict()
    barriers = fields.List(fields.Dict())
    lessons = fields.String(allow_none=True)
    validated_session_id = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()


class QualityAnalysisListSchema(Schema):
    items = fields.List(fields.Nested(QualityAnalysisSchema))
    total = fields.Integer()


class QualityActionCreateSchema(Schema):
    title = _text(300, required=True)
    description = _text(allow_none=True)
    action_type = fields.String(required=True, validate=validate.OneOf(list(words.ACTION_TYPES)))
    source_type = fields.String(required=True, validate=validate.OneOf(list(words.SOURCE_TYPES)))
    source_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
    owner_professional_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    owner_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    due_on = fields.Date(required=True)


class QualityActionTransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf([s.value for s in words.ActionStatus]))
    evidence_note = _text(allow_none=True)


class QualityActionSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String(allow_none=True)
    action_type = fields.String()
    source_type = fields.String()
    source_id = fields.Integer()
    event_id = fields.Integer(allow_none=True)
    owner_name = fields.String()
    due_on = fields.Date()
    status = fields.String()
    status_label = fields.String()
    done_on = fields.Date(allow_none=True)
    verified_on = fields.Date(allow_none=True)
    evidence_note = fields.String(allow_none=True)
    evidence_filename = fields.String(allow_none=True)


class QualityActionListSchema(Schema):
    items = fields.List(fields.Nested(QualityActionSchema))
    total = fields.Integer()


class QualityActionQuerySchema(QualityPageSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in words.ActionStatus]))
    source_type = fields.String(validate=validate.OneOf(list(words.SOURCE_TYPES)))
    source_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


class QualityIndicatorQuerySchema(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))


class QualityIndicatorsSchema(Schema):
    year = fields.Integer()
    contract = fields.Dict()
    events_by_category = fields.Dict()
    events_by_severity = fields.Dict()
    events_by_month = fields.List(fields.Integer())
    triage_days_median = fields.Float(allow_none=True)
    actions = fields.Dict()
    sessions_held = fields.Dict()
    participants = fields.Integer()
    themes = fields.List(fields.String())
    own_indicators = fields.List(fields.Dict())
