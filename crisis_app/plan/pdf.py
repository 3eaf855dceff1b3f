"""The plan as a PDF for the ARS: WeasyPrint renders templates/plan/pdf.html with templates/plan/pdf.css."""

from __future__ import annotations

from flask import current_app, render_template

from crisis_app.core import pdf
from crisis_app.core.db import utcnow
from crisis_app.plan import activities, figures, services
from crisis_app.plan.models import PlanVersion


def fr_date(iso: str | None) -> str:
    """``2026-03-14`` → ``14/03/2026``; empty → a dash."""
    return "/".join(reversed(iso.split("-"))) if iso else "—"


def context(plan: PlanVersion) -> dict:
    frozen = plan.frozen or {}
    measures = {(m["typology"], m["gradation"]): m for m in (plan.adaptation or {}).get("measures", [])}
    return {"plan": plan, "names": services.names(plan), "measures": measures,
            "not_applicable": services.not_applicable(plan),
            "directory": frozen.get("directory") or figures.directory_figures(),
            "stock": frozen.get("stock") or figures.stock_figures(),
            "activities": frozen.get("activities") or [activities.as_dict(a) for a in activities.for_year(plan.year)],
            "cpts": current_app.config.get("CPTS_NAME", ""), "generated_at": utcnow(), "fr_date": fr_date}


def render(plan: PlanVersion) -> bytes:
    """The version as PDF bytes (cover, contents with page numbers, one section per action)."""
    html = render_template("plan/pdf.html", **context(plan))
    return pdf.render_pdf(html, stylesheets=[render_template("plan/pdf.css")])
