"""Analyses API: open an analysis of an event (ORION or ALARM), save its sections, present it, have a session
validate it. Quality referents only."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from crisis_app.core.access import permission_required
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from quality.analyses import schemas as s
from quality.analyses import services as analyses
from quality.analyses.models import Analysis
from quality.blueprints import AUTH, actor, api_errors
from quality.blueprints import programme_api_bp as bp
from quality.schemas import QualityPageSchema
from quality.sessions import access as programme_access


@bp.route("/analyses")
class Analyses(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH)
    @bp.arguments(QualityPageSchema, location="query")
    @bp.response(200, s.QualityAnalysisListSchema)
    def get(self, args):
        stmt = sa.select(Analysis).order_by(Analysis.updated_at.desc())
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Analysis))
        return {"items": db.session.scalars(stmt.limit(args["limit"]).offset(args["offset"])).all(), "total": total}

    @permission_required("quality.manage")
    @api_errors(*AUTH, 409, 422)
    @bp.arguments(s.QualityAnalysisWriteSchema)
    @bp.response(201, s.QualityAnalysisSchema)
    def post(self, data):
        """Open an analysis of an event (ORION or ALARM)."""
        return analyses.save(actor=actor(), data=data)


@bp.route("/analyses/<int:analysis_id>")
class AnalysisResource(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404)
    @bp.response(200, s.QualityAnalysisSchema)
    def get(self, analysis_id: int):
        return analyses.get_analysis(analysis_id)

    @permission_required("quality.manage")
    @api_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityAnalysisWriteSchema)
    @bp.response(200, s.QualityAnalysisSchema)
    def patch(self, data, analysis_id: int):
        """Save the sections written since the last save (the others are kept)."""
        return analyses.save(actor=actor(), analysis=analyses.get_analysis(analysis_id), data=data)


@bp.route("/analyses/<int:analysis_id>/transition")
class AnalysisTransition(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityAnalysisStepSchema)
    @bp.response(200, s.QualityAnalysisSchema)
    def post(self, data, analysis_id: int):
        """Présentée, then validée by a session (``session_id``)."""
        analysis = analyses.get_analysis(analysis_id)
        if data["to"] == "presentee":
            return analyses.present(actor=actor(), analysis=analysis)
        if "session_id" not in data:
            raise ServiceError("validation_error", "Indiquez la séance qui valide.", field="session_id")
        session = programme_access.get_session_for_user(actor(), data["session_id"])
        return analyses.validate(actor=actor(), analysis=analysis, session=session)
