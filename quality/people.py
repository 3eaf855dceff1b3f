"""Who may own an action or pilot an analysis: people of the CPTS by name and profession, never an observer's
account (the ARS observer reads; it does not act in the programme)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from crisis_app.directory.professionals.models import Professional

NOT_ACTING = (Role.ARS_OBSERVER,)


@dataclass(frozen=True)
class Choice:
    value: str  # "u:<id>" an account, "p:<id>" a directory person
    label: str  # « Nom — profession »
    user_id: int | None = None


def acting_accounts() -> list[Choice]:
    """Active accounts that act in the programme, named with the profession of their directory entry (or role)."""
    users = db.session.scalars(sa.select(User).where(User.active.is_(True), User.role.not_in(NOT_ACTING))
                               .order_by(User.full_name)).all()
    professions = dict(db.session.execute(sa.select(Professional.user_id, Professional.profession).where(
        Professional.user_id.in_([u.id for u in users]), Professional.active.is_(True))).all()) if users else {}
    return [Choice(f"u:{u.id}", f"{u.full_name} — {professions.get(u.id) or u.role.label}", u.id) for u in users]


def directory_people(limit: int = 500) -> list[Choice]:
    """Active directory entries without an account of their own, by name and profession."""
    rows = db.session.scalars(sa.select(Professional).where(Professional.active.is_(True),
                                                            Professional.user_id.is_(None))
                              .order_by(Professional.last_name, Professional.first_name).limit(limit)).all()
    return [Choice(f"p:{p.id}", f"{p.last_name.upper()} {p.first_name} — {p.profession}") for p in rows]
