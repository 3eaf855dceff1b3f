"""Surveys API: the list, a questionnaire created from data, and a survey's results (per dimension and question,
from five answers up). Observers read results, never answers: no endpoint returns an answer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from crisis_app.core.access import permission_required
from crisis_app.core.db import db
from crisis_app.core.fields import StrictBoolean
from quality.blueprints import AUTH, actor, api_errors
from quality.blueprints import programme_api_bp as bp
from quality.schemas import QualityPageSchema, bounded_text
from quality.surveys import services as surveys
from quality.surveys.models import Survey
from quality.surveys.vocab import SurveyKind


class QuestionSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    negative = StrictBoolean(load_default=False)


class DimensionSchema(Schema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=80))


class SurveyCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in SurveyKind]))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    note = bounded_text(allow_none=True)
    dimensions = fields.List(fields.Nested(DimensionSchema), required=True, validate=validate.Length(min=1, max=40))


class SurveySchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    title = fields.String()
    note = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    responses = fields.Integer()


class SurveyListSchema(Schema):
    items = fields.List(fields.Nested(SurveySchema))
    total = fields.Integer()


class QuestionResultSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    negative = StrictBoolean()
    positive_pct = fields.Float(allow_none=True)


class DimensionResultSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    positive_pct = fields.Float(allow_none=True)
    questions = fields.List(fields.Nested(QuestionResultSchema))


class SurveyResultsSchema(Schema):
    survey_id = fields.Integer()
    responses = fields.Integer()
    shown = fields.Boolean(metadata={"description": "Faux sous le seuil de réponses : aucun pourcentage n'est donné"})
    min_responses = fields.Integer()
    dimensions = fields.List(fields.Nested(DimensionResultSchema))


@bp.route("/surveys")
class Surveys(MethodView):
    @permission_required("quality.surveys.results")
    @api_errors(*AUTH)
    @bp.arguments(QualityPageSchema, location="query")
    @bp.response(200, SurveyListSchema)
    def get(self, args):
        """Every survey (safety culture, satisfaction) with its count of answers."""
        stmt = sa.select(Survey).order_by(Survey.id.desc())
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) or 0
        return {"items": db.session.scalars(stmt.limit(args["limit"]).offset(args["offset"])).all(), "total": total}

    @permission_required("quality.manage")
    @api_errors(*AUTH, 422)
    @bp.arguments(SurveyCreateSchema)
    @bp.response(201, SurveySchema)
    def post(self, data):
        """A questionnaire as data: dimensions, their questions (``negative``: worded negatively)."""
        return surveys.create(actor=actor(), **data)


@bp.route("/surveys/<int:survey_id>/results")
class SurveyResults(MethodView):
    @permission_required("quality.surveys.results")
    @api_errors(*AUTH, 404)
    @bp.response(200, SurveyResultsSchema)
    def get(self, survey_id: int):
        """% of positive answers per dimension and question, only from five answers up; never an answer."""
        survey = db.session.get(Survey, survey_id) if 0 < survey_id < 2**31 else None
        return surveys.results(survey or abort(404))
