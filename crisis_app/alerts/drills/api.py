"""JSON API of drills: list and create (a scheduled one, or an unannounced one sent at once), a drill's figures,
launch or cancel a scheduled one, and its report in PDF (202 with the job while a worker makes it)."""

from __future__ import annotations

from functools import partial

from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.alerts.drills import documents as drill_documents
from crisis_app.alerts.drills import services
from crisis_app.alerts.drills.models import Drill
from crisis_app.alerts.drills.schemas import DrillInputSchema, DrillListSchema, DrillSchema
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.documents import api as documents_api
from crisis_app.core.documents.schemas import DocumentStatusSchema
from crisis_app.core.errors import ServiceError

bp = Blueprint("api_drills", __name__, url_prefix="/api/v1", description="Exercices d'alerte et leurs chiffres")
_errors = partial(error_responses, bp)


def _actor():
    return current_user._get_current_object()


@bp.route("/drills")
class Drills(MethodView):
    @permission_required("drills.read")
    @_errors(401, 403)
    @bp.response(200, DrillListSchema)
    def get(self):
        """Drills, latest first."""
        drills = services.list_drills()
        return {"items": drills, "total": len(drills)}

    @permission_required("drills.manage")
    @_errors(401, 403)
    @bp.arguments(DrillInputSchema)
    @bp.response(201, DrillSchema)
    def post(self, data):
        """Plan a drill (``scheduled`` with ``scheduled_for``) or launch one now (``unannounced``)."""
        return services.create_drill(actor=_actor(), data=request.get_json())


@bp.route("/drills/<int:drill_id>")
class DrillItem(MethodView):
    @permission_required("drills.read")
    @_errors(401, 403, 404)
    @bp.response(200, DrillSchema)
    def get(self, drill_id: int):
        """One drill with its figures (null until launched) and the previous drill's id."""
        return get_for_user(Drill, drill_id, "drills.read")


@bp.route("/drills/<int:drill_id>/launch")
class DrillLaunch(MethodView):
    @permission_required("drills.manage")
    @_errors(401, 403, 404, 409)
    @bp.response(200, DrillSchema)
    def post(self, drill_id: int):
        """Launch a scheduled drill now (409 once launched or cancelled)."""
        return services.launch(drill=get_for_user(Drill, drill_id, "drills.manage"), actor=_actor())


@bp.route("/drills/<int:drill_id>/cancel")
class DrillCancel(MethodView):
    @permission_required("drills.manage")
    @_errors(401, 403, 404, 409)
    @bp.response(200, DrillSchema)
    def post(self, drill_id: int):
        """Cancel a scheduled drill (409 once launched or cancelled)."""
        return services.cancel(drill=get_for_user(Drill, drill_id, "drills.manage"), actor=_actor())


@bp.route("/drills/<int:drill_id>/report")
class DrillReport(MethodView):
    @permission_required("drills.read")
    @_errors(401, 403, 404, 409)
    @bp.response(202, DocumentStatusSchema, description="Le PDF est en fabrication : suivez /api/v1/documents/<id>")
    @bp.alt_response(200, content_type="application/pdf", description="Le compte rendu en PDF",
                     success=True)
    def get(self, drill_id: int):
        """The drill's report in PDF once a worker made it for its current figures; else 202 with the job."""
        drill = get_for_user(Drill, drill_id, "drills.read")
        if drill.launched_at is None:
            raise ServiceError("not_launched", "Le compte rendu existe une fois l'exercice lancé.", status=409)
        return documents_api.answer(drill_documents.request_report(drill, actor=_actor()))
