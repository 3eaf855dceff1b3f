"""Points de situation API: list and create a crisis's points, read one, send it to partner organisations."""

from __future__ import annotations

from functools import partial

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.api import error_responses
from crisis_app.crises import situation
from crisis_app.crises.models import Crisis, SituationReport
from crisis_app.crises.schemas import (
    MAX_ID,
    SituationCreateSchema,
    SituationListSchema,
    SituationReportSchema,
    SituationSendSchema,
)

bp = Blueprint("api_crisis_situation", __name__, url_prefix="/api/v1/crises",
               description="Points de situation aux partenaires pendant une crise")
AUTH = (401, 403)
_errors = partial(error_responses, bp)


def _crisis(crisis_id: int, permission: str) -> Crisis:
    if crisis_id > MAX_ID:
        require(permission)  # 403 before 404 for a role that may not
        abort(404)
    return get_for_user(Crisis, crisis_id, permission)


def _report(crisis: Crisis, number: int) -> SituationReport:
    report = situation.report_of(crisis, number) if number <= MAX_ID else None
    if report is None or not situation.may_read(current_user, report):
        abort(404)
    return report


@bp.route("/<int:crisis_id>/situation-reports")
class SituationReports(MethodView):
    @permission_required("crisis.situation.read")
    @_errors(*AUTH, 404)
    @bp.response(200, SituationListSchema)
    def get(self, crisis_id: int):
        """The crisis's points de situation the caller may read (an observer: those sent to their organisation)."""
        rows = situation.readable(current_user, _crisis(crisis_id, "crisis.situation.read"))
        return {"items": rows, "total": len(rows)}

    @permission_required("crisis.situation.write")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(SituationCreateSchema)
    @bp.response(201, SituationReportSchema)
    def post(self, data, crisis_id: int):
        """A new point, composed from the run since the previous one (or the ``text`` given)."""
        crisis = _crisis(crisis_id, "crisis.situation.write")
        return situation.create(actor=current_user._get_current_object(), crisis=crisis, text=data.get("text"))


@bp.route("/<int:crisis_id>/situation-reports/<int:number>")
class SituationReportResource(MethodView):
    @permission_required("crisis.situation.read")
    @_errors(*AUTH, 404)
    @bp.response(200, SituationReportSchema)
    def get(self, crisis_id: int, number: int):
        """One point de situation."""
        return _report(_crisis(crisis_id, "crisis.situation.read"), number)


@bp.route("/<int:crisis_id>/situation-reports/<int:number>/send")
class SendSituationReport(MethodView):
    @permission_required("crisis.situation.write")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(SituationSendSchema)
    @bp.response(200, SituationReportSchema)
    def post(self, data, crisis_id: int, number: int):
        """Send the point by e-mail, PDF attached, to the contacts of the organisations given; noted in the
        journal de bord. A point already sent answers 409."""
        crisis = _crisis(crisis_id, "crisis.situation.write")
        return situation.send(actor=current_user._get_current_object(), report=_report(crisis, number),
                              organisation_ids=data["organisation_ids"])
