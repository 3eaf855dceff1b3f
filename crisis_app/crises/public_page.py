"""The population's information page of a crisis: published and withdrawn by the référent, read by anyone who has
its unguessable address (no login, no cookie, no script, no personal data), and its A4 poster with a QR code.

What it says: what is happening (the référent's short text), the published plan's consignes for the crisis's
typology and gradation, where to go (the cabinets, MSP, centres and pharmacies whose professionals said they are
available, and the list the référent keeps), and when it was last updated.
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.pdf import render_pdf
from crisis_app.core.qr import qr_svg
from crisis_app.crises import alert_link, journal, plan_link, services
from crisis_app.crises.models import Crisis, EntryKind, PublicPage

MAX_TEXT = 2000
MAX_PLACES = 3000


def page_of(crisis: Crisis) -> PublicPage | None:
    return db.session.scalar(sa.select(PublicPage).where(PublicPage.crisis_id == crisis.id))


def _clean(text: str | None, places: str | None) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    text = (text or "").strip().replace("\r\n", "\n")
    places = "\n".join(line.strip() for line in (places or "").replace("\r\n", "\n").split("\n") if line.strip())
    if not text:
        errors["text"] = ["Dites en quelques lignes ce qui se passe."]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"{MAX_TEXT} caractères au plus."]
    if len(places) > MAX_PLACES:
        errors["places"] = [f"{MAX_PLACES} caractères au plus."]
    for name, value in (("text", text), ("places", places)):
        if any(ord(c) < 32 and c not in "\n\t" for c in value):
            errors.setdefault(name, []).append("Caractères de contrôle interdits.")
    if errors:
        raise ServiceError("validation_error", "Page d'information invalide : corrigez les champs signalés.",
                           fields=errors)
    return text, places


@atomic()
def publish(*, actor: User, crisis: Crisis, text: str, places: str = "") -> PublicPage:
    """Publish the page (or update what it says); its address stays the same for the whole crisis."""
    text, places = _clean(text, places)
    services.ensure_open(crisis)
    page, now, by = page_of(crisis), utcnow(), (actor.full_name or actor.email)[:254]
    first = page is None or not page.live
    if page is None:
        page = PublicPage(crisis_id=crisis.id, slug=secrets.token_urlsafe(32), text=text, places=places,
                          updated_by_label=by)
        db.session.add(page)
    page.text, page.places, page.updated_at, page.updated_by_label = text, places, now, by
    if first:
        page.published_at, page.withdrawn_at = now, None
    db.session.flush()
    what = "publiée" if first else "mise à jour"
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.COMMUNICATION,
                   text=f"Page d'information de la population {what}")
    audit.record(actor=actor, action="crisis.public_page_publish", object_type="crisis", object_id=crisis.id,
                 summary=f"Page d'information de la population de « {crisis.title} » {what}"[:500])
    return page


@atomic()
def withdraw(*, actor: User, crisis: Crisis) -> PublicPage:
    """Withdraw the page: its address answers 404 from now on (caches keep it a minute at most)."""
    page = page_of(crisis)
    if page is None or not page.live:
        raise ServiceError("not_published", "La page d'information n'est pas publiée.", status=409)
    page.withdrawn_at = page.updated_at = utcnow()
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.COMMUNICATION,
                   text="Page d'information de la population retirée")
    audit.record(actor=actor, action="crisis.public_page_withdraw", object_type="crisis", object_id=crisis.id,
                 summary=f"Page d'information de la population de « {crisis.title} » retirée"[:500])
    return page


def state_of(slug: str) -> tuple | None:
    """What decides whether a rendered copy of the page is still right, in one small query: ``(page id, updated
    at, crisis gradation, crisis closed at)`` of the live page behind ``slug``, or None (unknown, withdrawn)."""
    if not slug or len(slug) > 43:
        return None
    row = db.session.execute(
        sa.select(PublicPage.id, PublicPage.updated_at, Crisis.gradation, Crisis.closed_at)
        .join(Crisis, Crisis.id == PublicPage.crisis_id)
        .where(PublicPage.slug == slug, PublicPage.published_at.isnot(None), PublicPage.withdrawn_at.is_(None))
    ).first()
    return tuple(row) if row else None


def live_page(slug: str) -> PublicPage | None:
    """The published page behind ``slug``, or None (unknown, withdrawn)."""
    if not slug or len(slug) > 43:
        return None
    page = db.session.scalar(sa.select(PublicPage).where(PublicPage.slug == slug))
    return page if page is not None and page.live else None


def content(page: PublicPage) -> dict:
    """Everything the public page shows; nothing about a person."""
    crisis = page.crisis
    return {"title": crisis.title, "typology": crisis.typology_label, "gradation": crisis.gradation_label,
            "active": crisis.active, "text": page.text,
            "consignes": plan_link.population_consignes(crisis.typology, crisis.gradation),
            "open_places": alert_link.open_structures(crisis.id),
            "places": [line for line in (page.places or "").split("\n") if line.strip()],
            "updated_at": max(page.updated_at, _last_level_change(crisis)),
            "cpts": current_app.config.get("CPTS_NAME", "")}


def _last_level_change(crisis: Crisis) -> datetime:
    changes = services.level_changes(crisis)
    return changes[-1].at if changes else crisis.opened_at


def poster_pdf(page: PublicPage, link: str) -> bytes:
    """An A4 poster of the page's address with its QR code, for pharmacies, cabinets and town halls."""
    html = render_template("public/poster.html", link=link, qr=qr_svg(link, scale=10), title=page.crisis.title,
                           cpts=current_app.config.get("CPTS_NAME", ""))
    return render_pdf(html)
