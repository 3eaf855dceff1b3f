"""marshmallow schemas of the sessions API (CREX, RMM, patient traceur)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from crisis_app.core.fields import StrictBoolean
from crisis_app.core.labels import labels
from quality.analyses.vocab import AnalysisMethod
from quality.schemas import MAX_ID, bounded_text, ids
from quality.sessions import vocab as words


class QualitySessionWriteSchema(Schema):
    kind = fields.String(validate=validate.OneOf([k.value for k in words.SessionKind]))
    title = bounded_text(200, allow_none=True)
    starts_at = fields.AwareDateTime(default_timezone=None, metadata={"description": "ISO 8601 ; sans fuseau : "
                                                                      "heure de Paris"})
    duration_minutes = fields.Integer(strict=True, validate=validate.Range(min=15, max=480))
    place = bounded_text(300, allow_none=True)
    video_url = bounded_text(500, allow_none=True)
    lead_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    professional_ids = ids()
    user_ids = ids()
    event_ids = ids()
    theme_ids = ids()
    invite = StrictBoolean(load_default=False)


class QualitySessionCreateSchema(QualitySessionWriteSchema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in words.SessionKind]))
    starts_at = fields.DateTime(required=True)


class QualitySessionUpdateSchema(QualitySessionWriteSchema):
    starts_at = fields.DateTime()


class QualityParticipantSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    profession = fields.String(allow_none=True)
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
    themes = fields.List(fields.Pluck("QualityThemeSchema", "label"))
    case_summary = fields.String(allow_none=True)
    conclusions = fields.String(allow_none=True)
    series_id = fields.Integer(allow_none=True)
    recurrence_at = fields.DateTime(allow_none=True, metadata={"description": "Début prévu par la règle de la série "
                                                                              "(RECURRENCE-ID)"})
    participants = fields.List(fields.Nested(QualityParticipantSchema))
    items = fields.List(fields.Nested(QualitySessionItemSchema))


class QualityThemeSchema(Schema):
    id = fields.Integer()
    label = fields.String()


class QualityDiscussionSchema(Schema):
    case_summary = bounded_text(allow_none=True, metadata={"description": "Situation discutée, sans donnée "
                                                                           "identifiant le patient"})
    conclusions = bounded_text(allow_none=True)


class QualitySessionListSchema(Schema):
    items = fields.List(fields.Nested(QualitySessionSchema))
    total = fields.Integer()


class QualityAttendanceSchema(Schema):
    present_ids = ids(required=True, metadata={"description": "Identifiants des participants présents"})


class QualityCancelSchema(Schema):
    reason = bounded_text(1000, allow_none=True)


class QualityTraceurStepSchema(Schema):
    when = bounded_text(60, allow_none=True, metadata={"description": "Relatif (J0, semaine 2…), jamais une date de "
                                                               "naissance"})
    setting = fields.String(required=True, validate=validate.OneOf(list(labels(words.TraceurSetting))))
    description = bounded_text(required=True)
    interface_with = fields.String(allow_none=True, validate=validate.OneOf(list(labels(words.TraceurSetting))))
    procedure = bounded_text(300, allow_none=True)
    gap = bounded_text(allow_none=True, metadata={"description": "Écart à la procédure ou au protocole de la CPTS"})


class QualityTraceurSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(max=40),
                          metadata={"description": "Étiquette pseudonyme (« Patient A », « PT-2026-03 »)"})
    agreement_on = fields.Date(required=True)
    agreement_how = fields.String(required=True, validate=validate.OneOf(list(labels(words.AgreementHow))))
    interview_summary = bounded_text(allow_none=True)
    animateur_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    steps = fields.List(fields.Nested(QualityTraceurStepSchema), validate=validate.Length(max=60))
    id = fields.Integer(dump_only=True)


class QualityHoldSchema(Schema):
    summary = bounded_text(allow_none=True,
                           metadata={"description": "Synthèse de la séance (sans donnée identifiante)"})


class QualityDecisionSchema(Schema):
    event_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    decision = fields.String(required=True, validate=validate.OneOf([d.value for d in words.Decision]))
    pilot_user_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    method = fields.String(allow_none=True, validate=validate.OneOf(list(labels(AnalysisMethod))))
    note = bounded_text(allow_none=True)


class QualityMinutesSchema(Schema):
    send = StrictBoolean(load_default=False)

