"""PDF documents of a crisis (journal de bord, RETEX), rendered by WeasyPrint from Jinja templates."""

from __future__ import annotations

from flask import render_template

from crisis_app.core import pdf


def render_pdf(template: str, **context) -> bytes:
    """The template rendered to HTML, then to PDF by core's helper (nothing fetched from outside)."""
    return pdf.render_pdf(render_template(template, **context))
