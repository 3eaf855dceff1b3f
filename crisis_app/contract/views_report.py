"""The annual report's pages: ask for a year's report, follow its progress (the page refreshes itself, no script
needed), download its PDF and CSV. The coordinator and the observers read them."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.contract import jobs
from crisis_app.contract.forms import ButtonForm
from crisis_app.contract.models import AnnualReport, ReportState
from crisis_app.contract.views import MAX_ID, bp
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.db import abandon, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.home import Card, card_provider
from crisis_app.core.outcome import refusal_text
from crisis_app.core.timez import to_paris


def _page(status: int = 200, error: str | None = None):
    this_year = to_paris(utcnow()).year
    return render_template("contract/reports.html", reports=jobs.recent(), button=ButtonForm(formdata=None),
                           years=list(range(this_year, this_year - 6, -1)), error=error), status


@bp.route("/bilan")
@permission_required("report.annual.read")
def reports():
    return _page()


@bp.route("/bilan", methods=["POST"])
@permission_required("report.annual.read")
def report_start():
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        job = jobs.start_report(actor=current_user._get_current_object(), year=request.form.get("year", type=int))
    except ServiceError as exc:
        abandon()
        return _page(400, refusal_text(exc))
    return redirect(url_for("contract.report_follow", report_id=job.id), code=303)


def _job(report_id: int) -> AnnualReport:
    return get_for_user(AnnualReport, min(report_id, MAX_ID), "report.annual.read")


@bp.route("/bilan/<int:report_id>")
@permission_required("report.annual.read")
def report_follow(report_id: int):
    job = _job(report_id)
    return render_template("contract/report_follow.html", job=job, status=jobs.status(job))


def _download(job: AnnualReport, body, mimetype: str, suffix: str) -> Response:
    if job.state is not ReportState.DONE:
        abort(404)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="bilan-annuel-{job.year}.{suffix}"'})


@bp.route("/bilan/<int:report_id>.pdf")
@permission_required("report.annual.read")
def report_pdf(report_id: int):
    job = _job(report_id)
    return _download(job, job.pdf, "application/pdf", "pdf")


@bp.route("/bilan/<int:report_id>.csv")
@permission_required("report.annual.read")
def report_csv(report_id: int):
    job = _job(report_id)
    return _download(job, job.csv, "text/csv", "csv")


@card_provider("report.annual.read", order=40)
def _report_card(user):
    yield Card(title="Bilan annuel", value="Crises sanitaires et qualité",
               detail="Le bilan des deux missions pour les réunions avec l'ARS et l'Assurance Maladie, en PDF et CSV.",
               url=url_for("contract.reports"), action="Ouvrir les bilans")
