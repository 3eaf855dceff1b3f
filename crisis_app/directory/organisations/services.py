"""Partner organisations and external recipients (ARS, CPAM, MSA, hospitals, neighbouring CPTS, préfecture).

They receive evaluations and information, never mobilisation alerts: they are not professionals and
no audience ever designates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError

from crisis_app.core import audit
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from crisis_app.directory.organisations.models import Organisation, OrganisationContact, OrganisationKind
from crisis_app.directory.organisations.schemas import OrganisationSchema, OrganisationUpdateSchema


def validate_organisation(data: Mapping[str, Any], *, partial: bool = False) -> dict:
    """Load an organisation (with its contacts) or refuse it with French field messages."""
    schema = OrganisationUpdateSchema() if partial else OrganisationSchema()
    try:
        return schema.load(dict(data))
    except ValidationError as exc:
        raise ServiceError("validation_error", "Organisation invalide : corrigez les champs signalés.",
                           fields=_flatten(exc.messages)) from None


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """``{"contacts": {0: {"email": [...]}}}`` → ``{"contacts.0.email": [...]}``, readable by a form."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": list(messages) if isinstance(messages, list) else [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = value if isinstance(value, list) else [str(value)]
    return flat


def snapshot(organisation: Organisation) -> dict[str, Any]:
    return {"name": organisation.name, "kind": organisation.kind and organisation.kind.value,
            "receives_evaluations": organisation.receives_evaluations, "active": organisation.active,
            "contacts": [_contact_values(c) for c in organisation.contacts]}


def _contact_values(contact: OrganisationContact) -> dict[str, Any]:
    return {"name": contact.name, "function": contact.function, "email": contact.email, "phone": contact.phone}


def _name_taken(name: str, exclude_id: int | None) -> bool:
    query = sa.select(Organisation.id).where(sa.func.lower(Organisation.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    return db.session.scalar(query) is not None


def _apply(organisation: Organisation, clean: dict) -> None:
    for key in ("name", "receives_evaluations", "active"):
        if key in clean:
            setattr(organisation, key, clean[key])
    if "kind" in clean:
        organisation.kind = OrganisationKind(clean["kind"])
    if "contacts" in clean:
        organisation.contacts = [OrganisationContact(**{k: c.get(k) for k in ("name", "function", "email", "phone")})
                                 for c in clean["contacts"]]


def _name_conflict() -> ServiceError:
    # two people saving the same name at once: the unique index decides
    return ServiceError("duplicate", "Une organisation porte déjà ce nom.", field="name", status=409)


@atomic(conflict=_name_conflict)
def create_organisation(*, actor: User | None, data: Mapping[str, Any]) -> Organisation:
    """Add a partner organisation with its contacts."""
    clean = validate_organisation(data)
    if _name_taken(clean["name"], None):
        raise ServiceError("duplicate", "Une organisation porte déjà ce nom.", field="name", status=409)
    organisation = Organisation(active=True)
    _apply(organisation, clean)
    db.session.add(organisation)
    db.session.flush()
    audit.record(actor=actor, action="organisation.create", object_type="organisation", object_id=organisation.id,
                 summary=f"Organisation créée : {organisation.name}",
                 changes=audit.changes_between({}, snapshot(organisation)))
    return organisation


@atomic(conflict=_name_conflict)
def update_organisation(*, actor: User | None, organisation: Organisation, data: Mapping[str, Any]) -> Organisation:
    """Change an organisation; ``contacts``, when given, replaces the whole list; ``active`` (de)activates it."""
    clean = validate_organisation(data, partial=True)
    if "name" in clean and _name_taken(clean["name"], organisation.id):
        raise ServiceError("duplicate", "Une organisation porte déjà ce nom.", field="name", status=409)
    before = snapshot(organisation)
    _apply(organisation, clean)
    if changes := audit.changes_between(before, snapshot(organisation)):
        action = "organisation.update"
        if set(changes) == {"active"}:
            action = "organisation.activate" if organisation.active else "organisation.deactivate"
        audit.record(actor=actor, action=action, object_type="organisation", object_id=organisation.id,
                     summary=f"Organisation modifiée : {organisation.name}", changes=changes)
    return organisation


def set_organisation_active(*, actor: User | None, organisation: Organisation, active: bool) -> Organisation:
    """Deactivate an organisation (it stops receiving evaluations), or reactivate it."""
    return update_organisation(actor=actor, organisation=organisation, data={"active": active})


def list_organisations(*, include_inactive: bool = False) -> list[Organisation]:
    query = sa.select(Organisation).order_by(Organisation.active.desc(), Organisation.kind, Organisation.name)
    if not include_inactive:
        query = query.where(Organisation.active.is_(True))
    return list(db.session.scalars(query))


def evaluation_recipients() -> list[OrganisationContact]:
    """Contacts with an e-mail of the active organisations that receive post-crisis evaluations."""
    query = (sa.select(OrganisationContact).join(Organisation)
             .where(Organisation.active.is_(True), Organisation.receives_evaluations.is_(True),
                    OrganisationContact.email.isnot(None))
             .order_by(Organisation.name, OrganisationContact.name))
    return list(db.session.scalars(query))


# Accounts attached to an organisation: the ARS observer reads in /mes-messages what was sent to her organisation
# (core.notifications matches on user.organisation_id); only partner roles are attached, the coordinator decides.
ATTACHABLE_ROLES = frozenset({Role.ARS_OBSERVER})


def attachable_accounts(organisation: Organisation) -> list[User]:
    """Active partner accounts not yet attached to this organisation (by name)."""
    return list(db.session.scalars(sa.select(User).where(
        User.active.is_(True), User.role.in_(ATTACHABLE_ROLES),
        sa.or_(User.organisation_id.is_(None), User.organisation_id != organisation.id)).order_by(User.full_name)))


def attached_accounts(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.organisation_id == organisation.id).order_by(User.full_name)))


def attach_account(*, actor: User, organisation: Organisation, user: User) -> None:
    """Attach a partner account to ``organisation`` (an account belongs to one organisation at most)."""
    if user.role not in ATTACHABLE_ROLES:
        raise ServiceError("not_a_partner_account", "Seul un compte d'observateur peut être rattaché à une "
                           "organisation partenaire.", field="user_id")
    if not user.active:
        raise ServiceError("inactive_account", "Ce compte est désactivé.", field="user_id")
    if user.organisation_id == organisation.id:
        return
    before = user.organisation_id
    user.organisation_id = organisation.id
    db.session.flush()
    audit.record(actor=actor, action="user.attach_organisation", object_type="user", object_id=user.id,
                 summary=f"Compte {user.email} rattaché à {organisation.name}",
                 changes={"organisation_id": [before, organisation.id]})


def detach_account(*, actor: User, organisation: Organisation, user: User) -> None:
    if user.organisation_id != organisation.id:
        raise ServiceError("not_attached", "Ce compte n'est pas rattaché à cette organisation.", status=409)
    user.organisation_id = None
    db.session.flush()
    audit.record(actor=actor, action="user.detach_organisation", object_type="user", object_id=user.id,
                 summary=f"Compte {user.email} détaché de {organisation.name}",
                 changes={"organisation_id": [organisation.id, None]})


def organisation_of(user: User) -> Organisation | None:
    return db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
