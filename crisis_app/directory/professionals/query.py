"""Directory search: one statement builder shared by the listing, the audiences and the exports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.directory.professionals import text_search
from crisis_app.directory.professionals.models import AlertConsent, Channel, Professional, ProfessionalTag
from crisis_app.directory.validation import FRESH_FOR

CONTACT_COLUMN = {Channel.SMS: Professional.mobile_phone, Channel.EMAIL: Professional.email}


def reachable_clause(channel: Channel | str) -> sa.ColumnElement[bool]:
    """Active, with a contact for ``channel`` and a consent in force on it (as ``Professional.reachable_on``)."""
    channel = Channel(channel)
    consent = sa.exists().where(AlertConsent.professional_id == Professional.id, AlertConsent.channel == channel,
                                AlertConsent.granted.is_(True))
    return sa.and_(Professional.active.is_(True), CONTACT_COLUMN[channel].isnot(None), consent)


def to_confirm_clause() -> sa.ColumnElement[bool]:
    """Never confirmed, or not within the last 6 months."""
    return sa.or_(Professional.confirmed_at.is_(None), Professional.confirmed_at < utcnow() - FRESH_FOR)


def filter_statement(criteria: Mapping[str, Any]) -> sa.Select:
    """Professionals matching ``criteria`` (see DirectoryQuerySchema); active ones unless asked otherwise."""
    stmt = sa.select(Professional)
    if not criteria.get("include_inactive"):
        stmt = stmt.where(Professional.active.is_(True))
    for term in text_search.terms(criteria.get("q")):
        stmt = stmt.where(Professional.search_text.like(text_search.like_pattern(term), escape=text_search.LIKE_ESCAPE))
    for key, column in (("profession_code", Professional.profession_code),
                        ("commune_code", Professional.commune_code),
                        ("crisis_role", Professional.crisis_role),
                        ("structure_type", Professional.structure_type)):
        if values := criteria.get(key):
            stmt = stmt.where(column.in_(list(values)))
    if tags := criteria.get("tag"):
        stmt = stmt.where(sa.exists().where(ProfessionalTag.professional_id == Professional.id,
                                            ProfessionalTag.tag.in_([t.lower() for t in tags])))
    if membership := criteria.get("membership"):
        stmt = stmt.where(Professional.membership == membership)
    if channel := criteria.get("consent"):
        stmt = stmt.where(reachable_clause(channel))
    if criteria.get("to_confirm"):
        stmt = stmt.where(to_confirm_clause())
    return stmt


def search(criteria: Mapping[str, Any], *, limit: int = 50, offset: int = 0) -> tuple[list[Professional], int]:
    """One page of matching professionals by name, with the total."""
    stmt = filter_statement(criteria)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Professional.last_name, Professional.first_name, Professional.id)
                              .limit(limit).offset(offset)).all()
    return list(rows), total


def reach_of(stmt: sa.Select) -> dict[str, int]:
    """How many people a statement selects, and how many are reachable by SMS and by e-mail."""
    ids = stmt.with_only_columns(Professional.id).subquery()
    base = sa.select(sa.func.count()).select_from(Professional).where(Professional.id.in_(sa.select(ids.c.id)))
    return {
        "people": db.session.scalar(base) or 0,
        "phones": db.session.scalar(base.where(reachable_clause(Channel.SMS))) or 0,
        "emails": db.session.scalar(base.where(reachable_clause(Channel.EMAIL))) or 0,
    }


def directory_counts() -> dict[str, int]:
    """Active entries, how many are reachable by SMS and by e-mail, and how many are to confirm."""
    counts = reach_of(filter_statement({}))
    counts["to_confirm"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(Professional)
        .where(Professional.active.is_(True), to_confirm_clause())) or 0
    return counts


def facets() -> dict[str, list[tuple[str, str]]]:
    """Values present in the directory, for the filter menus."""
    professions = db.session.execute(sa.select(Professional.profession_code, Professional.profession).distinct()
                                     .order_by(Professional.profession)).all()
    communes = db.session.execute(sa.select(Professional.commune_code, Professional.commune_name).distinct()
                                  .where(Professional.commune_code.isnot(None))
                                  .order_by(Professional.commune_name)).all()
    tags = db.session.scalars(sa.select(ProfessionalTag.tag).distinct().order_by(ProfessionalTag.tag)).all()
    return {"professions": _unique(professions), "communes": _unique(communes), "tags": [(t, t) for t in tags]}


def _unique(rows) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for code, label in rows:
        seen.setdefault(code, label or code)
    return list(seen.items())
