"""PDF documents of a crisis (journal de bord, RETEX), rendered by WeasyPrint from Jinja templates."""

from __future__ import annotations

from flask import render_template


def render_pdf(template: str, **context) -> bytes:
    """The template rendered to HTML, then to PDF (fonts and styles come with the template: no network)."""
    from weasyprint import HTML  # imported here: loading Pango costs time the other pages do not need

    return HTML(string=render_template(template, **context)).write_pdf()
