"""Live figures of the directory and the stock for the plan's anticipation section (read only, through their
query modules), and the names behind the ids a version holds."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.directory.organisations import services as organisations
from crisis_app.directory.professionals import query as directory_query
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.validation import STALE_AFTER
from crisis_app.stock import query as stock_query

EXPIRY_DAYS = stock_query.DEFAULT_EXPIRY_WARNING_DAYS


def directory_figures() -> dict[str, Any]:
    """Active professionals by profession, how many are reachable by SMS / e-mail, and not confirmed for a year."""
    active = directory_query.filter_statement({})
    reach = directory_query.reach_of(active)
    rows = db.session.execute(active.with_only_columns(Professional.profession, sa.func.count())
                              .group_by(Professional.profession).order_by(Professional.profession)).all()
    stale = active.where(sa.or_(Professional.confirmed_at.is_(None),
                                Professional.confirmed_at < utcnow() - STALE_AFTER))
    unconfirmed = db.session.scalar(sa.select(sa.func.count()).select_from(stale.subquery())) or 0
    return {"total": reach["people"], "sms": reach["phones"], "email": reach["emails"],
            "unconfirmed_for_a_year": unconfirmed,
            "by_profession": [{"profession": name, "count": count} for name, count in rows]}


def stock_figures(today: date | None = None) -> dict[str, Any]:
    """Items under their alert threshold and lots expiring within the stock's warning delay."""
    today = today or utcnow().date()
    below = [{"name": s.item.name, "unit": s.item.unit, "quantity": s.quantity, "threshold": s.item.alert_threshold}
             for s in stock_query.item_stocks(include_inactive=False) if s.below_threshold]
    expiring = [{"label": lot.label, "quantity": lot.quantity, "expires_on": lot.expires_on.isoformat()}
                for lot in stock_query.expiring_lots(today=today, days=EXPIRY_DAYS)]
    return {"below_threshold": below, "expiring": expiring, "expiry_days": EXPIRY_DAYS}


def professional_names(ids: set[int]) -> dict[int, str]:
    """Display names of directory entries, by id (unknown ids are left out)."""
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Professional).where(Professional.id.in_(ids)))
    return {p.id: f"{p.display_name} ({p.profession})" for p in rows}


def existing_professionals(ids: set[int]) -> set[int]:
    """Which of ``ids`` are active entries of the directory."""
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Professional.id).where(Professional.id.in_(ids),
                                                                   Professional.active.is_(True))))


def professional_choices() -> list[tuple[int, str]]:
    """Active professionals, by name, for the forms."""
    rows = db.session.scalars(directory_query.filter_statement({})
                              .order_by(Professional.last_name, Professional.first_name, Professional.id))
    return [(p.id, f"{p.display_name} — {p.profession}") for p in rows]


def organisation_names(include_inactive: bool = True) -> dict[int, str]:
    return {o.id: o.name for o in organisations.list_organisations(include_inactive=include_inactive)}


def facets() -> dict[str, list[tuple[str, str]]]:
    return directory_query.facets()


def reach_of_filter(criteria: dict) -> dict[str, int]:
    """How many active professionals a measure's directory filter selects, and how many are reachable."""
    return directory_query.reach_of(directory_query.filter_statement(criteria))
