"""The annual report's pages: choose a year and a file (PDF or CSV); a worker makes it and the documents' wait page
follows it (core.documents), then it is kept until the year's content changes. The coordinator and the observers
read them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.contract import documents as report_documents
from crisis_app.contract.forms import ButtonForm
from crisis_app.contract.views import bp
from crisis_app.core import documents
from crisis_app.core.access import permission_required
from crisis_app.core.db import db, utcnow
from crisis_app.core.documents.models import Document
from crisis_app.core.home import Card, card_provider
from crisis_app.core.timez import to_paris

FILES = {"pdf": "PDF", "csv": "CSV"}
YEAR_ERROR = "Choisissez une année entre 2000 et 2100 et un format (PDF ou CSV)."


def _page(status: int = 200, error: str | None = None):
    this_year = to_paris(utcnow()).year
    kept = db.session.scalars(sa.select(Document).where(Document.kind.in_(report_documents.KINDS.values()))
                              .order_by(Document.id.desc()).limit(12))
    return render_template("contract/reports.html", documents=list(kept), button=ButtonForm(formdata=None),
                           years=list(range(this_year, this_year - 6, -1)), files=FILES, error=error), status


@bp.route("/bilan")
@permission_required("report.annual.read")
def reports():
    return _page()


@bp.route("/bilan", methods=["POST"])
@permission_required("report.annual.read")
def report_start():
    if not ButtonForm().validate_on_submit():
        abort(400)
    year, file = request.form.get("year", type=int), request.form.get("file", "pdf")
    if year is None or not 2000 <= year <= 2100 or file not in FILES:
        return _page(400, YEAR_ERROR)
    return redirect(url_for(f"contract.report_{file}", year=year), code=303)


def _respond(year: int, file: str):
    if not 2000 <= year <= 2100:
        abort(404)
    return documents.respond(report_documents.request_report(year, file=file,
                                                             actor=current_user._get_current_object()))


@bp.route("/bilan/<int:year>.pdf")
@permission_required("report.annual.read")
def report_pdf(year: int):
    """The kept PDF of the year as it stands, or the wait page while a worker makes it."""
    return _respond(year, "pdf")


@bp.route("/bilan/<int:year>.csv")
@permission_required("report.annual.read")
def report_csv(year: int):
    """The kept CSV of the year as it stands, or the wait page while a worker makes it."""
    return _respond(year, "csv")


@card_provider("report.annual.read", order=40)
def _report_card(user):
    yield Card(title="Bilan annuel", value="Crises sanitaires et qualité",
               detail="Le bilan des deux missions pour les réunions avec l'ARS et l'Assurance Maladie, en PDF et CSV.",
               url=url_for("contract.reports"), action="Ouvrir les bilans")
