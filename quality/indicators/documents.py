"""The year's quality report as a PDF made by a worker and kept (core.documents) until its figures change.

Its fingerprint is the figures themselves (SQL aggregates, cheap to compute); the maker computes them again and
passes the themes through the anonymity gate, since a theme renamed meanwhile is what the PDF will print.
"""

from __future__ import annotations

from flask import current_app

from crisis_app.core import documents
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.pdf import render_pdf
from quality import gate
from quality.indicators import services as indicators

REPORT = "quality_report"


def blockers(figures: dict) -> list:
    return gate.check(gate.Source("Thème", theme) for theme in figures["themes"])


def request_report(figures: dict, *, actor: User):
    return documents.request(kind=REPORT, key=str(figures["year"]), fingerprint=documents.fingerprint(figures),
                             actor=actor)


@documents.maker(REPORT, may_read=lambda user, key: user.may("quality.indicators.read"),
                 filename=lambda key: f"indicateurs-qualite-{key}.pdf", title="Rapport des indicateurs qualité")
def make_report(key: str, progress) -> bytes:
    figures = indicators.compute(int(key))
    progress(30)
    found = blockers(figures)
    if found:
        raise ServiceError("blocked", f"Le filtre trouve {found[0].sentence} : renommez ce thème avant de produire "
                                      "le rapport.")
    html = current_app.jinja_env.get_template("quality/pdf/report.html").render(
        figures=figures, rows=indicators.contract_rows(figures), cpts=current_app.config.get("CPTS_NAME", ""))
    progress(60)
    return render_pdf(html)
