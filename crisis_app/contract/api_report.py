"""Annual report API: the year's report as JSON; its PDF and CSV once a worker has made them (POST asks for one,
answered 202 with the job to follow). The coordinator and the observers read it."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.contract import jobs, report
from crisis_app.contract.models import AnnualReport
from crisis_app.contract.schemas import AnnualReportSchema, ReportJobSchema, YearQuerySchema
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.db import utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.timez import to_paris

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports",
               description="Bilan annuel des missions crises sanitaires graves et qualité (JSON, PDF, CSV)")
MAX_ID = 2**31 - 1


def _year(args: dict) -> int:
    return args.get("year") or to_paris(utcnow()).year


def _done(year: int) -> AnnualReport:
    job = jobs.latest_done(year)
    if job is None:
        raise ServiceError("not_ready", f"Aucun bilan {year} n'est prêt : demandez-le (POST /api/v1/reports/annual"
                           f"?year={year}) puis suivez sa production.", status=409)
    return job


@bp.route("/annual")
class Annual(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 409, 422)
    @bp.arguments(YearQuerySchema, location="query")
    @bp.response(200, AnnualReportSchema)
    def get(self, args):
        """The year's report (this year by default): plan, activities, crises, alerts, quality, actions,
        indicators against their targets."""
        return report.collect(_year(args))

    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 422)
    @bp.arguments(YearQuerySchema, location="query")
    @bp.response(202, ReportJobSchema)
    def post(self, args):
        """Ask a worker for the year's PDF and CSV; follow the job at ``/annual/jobs/<id>``."""
        return jobs.status(jobs.start_report(actor=current_user._get_current_object(), year=_year(args)))


@bp.route("/annual/jobs/<int:job_id>")
class AnnualJob(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 404)
    @bp.response(200, ReportJobSchema)
    def get(self, job_id: int):
        """A report being made: its state and progress (percent)."""
        return jobs.status(get_for_user(AnnualReport, min(job_id, MAX_ID), "report.annual.read"))


def _file(args: dict, suffix: str, mimetype: str) -> Response:
    job = _done(_year(args))
    return Response(job.pdf if suffix == "pdf" else job.csv, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=bilan-annuel-{job.year}.{suffix}"})


@bp.route("/annual.pdf")
class AnnualPdf(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 409, 422)
    @bp.arguments(YearQuerySchema, location="query")
    @bp.response(200, content_type="application/pdf", description="Le dernier bilan de l'année produit, en PDF")
    def get(self, args):
        """The latest PDF made for the year (409 while none is ready)."""
        return _file(args, "pdf", "application/pdf")


@bp.route("/annual.csv")
class AnnualCsv(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 409, 422)
    @bp.arguments(YearQuerySchema, location="query")
    @bp.response(200, content_type="text/csv", description="Le dernier bilan de l'année produit, en CSV")
    def get(self, args):
        """The latest CSV made for the year (409 while none is ready)."""
        return _file(args, "csv", "text/csv")
