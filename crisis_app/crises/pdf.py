"""PDF documents of a crisis (journal de bord, RETEX), rendered by WeasyPrint from Jinja templates."""

from __future__ import annotations

from flask import render_template

from crisis_app.core import pdf


def render_pdf(template: str, **context) -> bytes:
    """The template rendered to HTML, then to PDF by core's helper (nothing fetched from outside)."""
    return pdf.render_pdf(render_template(template, **context))


def render_journal_pdf(crisis) -> bytes:
    """The journal de bord in PDF: every entry with its hash, the chain's state and the head, in one line a reader
    can copy into a witness file or compare with a head printed elsewhere."""
    from crisis_app.crises import chain, journal

    count, last_hash = chain.head_of(crisis.id)
    return render_pdf("crises/pdf_journal.html", crisis=crisis, entries=journal.entries(crisis),
                      broken=journal.check_chain(crisis.id), head=chain.format_head(count, last_hash),
                      last_hash=last_hash)
