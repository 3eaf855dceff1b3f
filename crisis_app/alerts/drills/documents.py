"""The drill's report, a PDF the référent sends to the ARS: made by a worker and kept until its figures change
(core.documents)."""

from __future__ import annotations

from flask import current_app, render_template

from crisis_app.alerts.drills import figures, services
from crisis_app.alerts.drills.models import Drill
from crisis_app.core import documents
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.pdf import render_pdf

REPORT = "drill_report"


def _drill(key: str) -> Drill:
    drill = db.session.get(Drill, int(key)) if key.isdigit() and len(key) < 10 else None
    if drill is None or drill.launched_at is None:
        raise ServiceError("not_found", "Cet exercice n'existe plus ou n'est pas lancé : pas de compte rendu.")
    return drill


def report_context(drill: Drill) -> dict:
    """What the page and the PDF show: the figures, the previous drill's, and the chart comparing them."""
    measured = figures.measure(drill)
    before = services.previous(drill)
    before_figures = figures.measure(before) if before else None
    chart = figures.comparison_chart(drill, measured, before, before_figures) if measured else None
    return {"drill": drill, "figures": measured, "before": before, "before_figures": before_figures,
            "chart": chart, "thresholds": figures.THRESHOLDS}


def report_fingerprint(drill: Drill) -> str:
    """The drill as stored and its figures (a late answer changes them), and the previous drill's."""
    context = report_context(drill)
    return documents.fingerprint(drill, context["figures"], context["before"] and context["before"].id,
                                 context["before_figures"])


def request_report(drill: Drill, *, actor: User):
    return documents.request(kind=REPORT, key=str(drill.id), fingerprint=report_fingerprint(drill), actor=actor)


@documents.maker(REPORT, may_read=lambda user, key: user.may("drills.read"),
                 filename=lambda key: f"exercice-alerte-{key}.pdf", title="Compte rendu d'exercice d'alerte en PDF")
def make_report(key: str, progress) -> bytes:
    drill = _drill(key)
    context = report_context(drill)
    progress(40)
    html = render_template("alerts/drills/report_pdf.html", cpts=current_app.config.get("CPTS_NAME", ""), **context)
    progress(60)
    return render_pdf(html)
