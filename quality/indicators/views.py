"""The indicators' pages: the dashboard with its charts, the annual report (CSV and PDF), and the twice-yearly
review page (own indicators against their targets, values entered by hand, the themes list)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_login import current_user

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core import charts, documents
from crisis_app.core.access import permission_required
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import db, utcnow
from quality.blueprints import actor, admin_bp, programme_bp, run_and_go_back
from quality.indicators import documents as report_documents
from quality.indicators import services as indicators
from quality.indicators import vocab as words
from quality.indicators.models import QualityIndicator
from quality.register import forms
from quality.sessions.models import QualityTheme


def _year() -> int:
    year = request.args.get("annee", type=int) or utcnow().year
    return year if 2000 <= year <= 2100 else utcnow().year


@programme_bp.route("/indicateurs")
@permission_required("quality.indicators.read")
def dashboard():
    figures = indicators.compute(_year())
    svg = {"category": charts.bars(list(figures["events_by_category"].items()), title="Événements par catégorie"),
           "severity": charts.bars(list(figures["events_by_severity"].items()), title="Événements par gravité"),
           "month": charts.columns(figures["events_by_month"], title="Événements par mois"),
           "actions": charts.bars([("À l'heure", figures["actions"]["on_time"]),
                                   ("En retard", figures["actions"]["late"]),
                                   ("Efficacité vérifiée", figures["actions"]["verified"])], title="Actions"),
           "sessions": charts.bars(list(figures["sessions_held"].items()), title="Séances tenues")}
    return render_template("quality/dashboard.html", figures=figures, svg=svg)


@programme_bp.route("/indicateurs/rapport-<int:year>.csv")
@permission_required("quality.indicators.read")
def report_csv(year: int):
    figures = indicators.compute(year if 2000 <= year <= 2100 else utcnow().year)
    return csv_response(f"indicateurs-qualite-{figures['year']}.csv", indicators.CONTRACT_HEADER,
                        indicators.contract_rows(figures))


@programme_bp.route("/indicateurs/rapport-<int:year>.pdf")
@permission_required("quality.indicators.read")
def report_pdf(year: int):
    figures = indicators.compute(year if 2000 <= year <= 2100 else utcnow().year)
    blockers = report_documents.blockers(figures)
    if blockers:
        return render_template("errors/error.html", status=409, title="Rapport bloqué",
                               message=f"Le filtre trouve {blockers[0].sentence} : renommez ce thème "
                                       "avant de produire le rapport."), 409
    return documents.respond(report_documents.request_report(figures, actor=current_user._get_current_object()))


def _number(name: str) -> float | None:
    try:
        return float((request.form.get(name) or "").replace(",", "."))
    except ValueError:
        return None


@admin_bp.route("/indicateurs/revue")
@permission_required("quality.manage")
def review():
    year = request.args.get("annee", type=int) or utcnow().year
    year = year if 2000 <= year <= 2100 else utcnow().year
    figures = indicators.compute(year)
    return render_template("quality/review.html", figures=figures, words=words, form=forms.ConfirmForm(),
                           actions=db.session.scalars(sa.select(CorrectiveAction).order_by(CorrectiveAction.id)).all(),
                           themes=db.session.scalars(sa.select(QualityTheme).order_by(QualityTheme.label)).all(),
                           today=utcnow().date())


@admin_bp.route("/indicateurs/nouveau", methods=["POST"])
@permission_required("quality.manage")
def indicator_new():
    data = {"name": request.form.get("name"), "definition": request.form.get("definition"),
            "source": request.form.get("source"), "metric": request.form.get("metric") or None,
            "target": _number("target"), "unit": request.form.get("unit"),
            "action_id": request.form.get("action_id", type=int)}
    return run_and_go_back(lambda: indicators.create_indicator(actor=actor(), data=data), "Indicateur créé.",
                           url_for("quality_admin.review"))


@admin_bp.route("/indicateurs/<int:indicator_id>/valeur", methods=["POST"])
@permission_required("quality.manage")
def indicator_value(indicator_id: int):
    indicator = db.session.get(QualityIndicator, indicator_id) or abort(404)
    try:
        measured_on = date.fromisoformat(request.form.get("measured_on", ""))
    except ValueError:
        measured_on = None
    return run_and_go_back(lambda: indicators.record_value(actor=actor(), indicator=indicator, value=_number("value"),
                                                                measured_on=measured_on),
                           "Valeur enregistrée.", url_for("quality_admin.review"))

