"""Accounts and their directory entries: a new account is linked to the active entry with its e-mail, and the
account pages show the entry (core.auth.profile). Wired by ``connect()`` in the directory's ``init_app``."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core.auth import profile
from crisis_app.core.auth.services import account_created
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.roles import role_may
from crisis_app.directory.professionals import services
from crisis_app.directory.professionals.models import Professional


def entry_with_email(email: str) -> Professional | None:
    """The one active, unlinked entry holding this e-mail (None when there is none, or several: no guess)."""
    rows = db.session.scalars(sa.select(Professional).where(
        Professional.active.is_(True), Professional.user_id.is_(None),
        sa.func.lower(Professional.email) == email.strip().lower()).limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def link_new_account(user: User, *, actor: User | None = None, **_) -> None:
    """``account_created`` listener: in the creating unit of work, so the account and its link land together."""
    if not role_may(user.role, "directory.self") or services.professional_for_user(user) is not None:
        return
    entry = entry_with_email(user.email)
    if entry is not None:
        services.link_user(actor=actor, professional=entry, user=user)


def linked_entries(user: User) -> list[profile.Linked]:
    entry = services.professional_for_user(user)
    if entry is None:
        return []
    return [profile.Linked(label="Fiche de l'annuaire", text=f"{entry.display_name} ({entry.profession})",
                           own_endpoint="directory.my_entry",
                           manager_endpoint="directory.detail", manager_args={"professional_id": entry.id})]


def linked_organisation(user: User) -> list[profile.Linked]:
    from crisis_app.directory.organisations.services import organisation_of

    organisation = organisation_of(user)
    if organisation is None:
        return []
    return [profile.Linked(label="Organisation partenaire", text=f"{organisation.name} ({organisation.kind.label})",
                           manager_endpoint="directory.organisation_detail",
                           manager_args={"organisation_id": organisation.id})]


def connect() -> None:
    account_created.connect(link_new_account, weak=False)
    if linked_entries not in profile.LINKED_PROVIDERS:
        profile.LINKED_PROVIDERS.append(linked_entries)
    if linked_organisation not in profile.LINKED_PROVIDERS:
        profile.LINKED_PROVIDERS.append(linked_organisation)
