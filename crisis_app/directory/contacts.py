"""Who can be reached, and where: the directory's people and partner contacts as outbox recipients.

Only addresses a person consented to be alerted on (consent in force, entry active) are given; an organisation
contact is a professional mailbox of a partner (ARS, CPAM…), reached by e-mail or phone as listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crisis_app.core.db import db
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.outbox import Recipient
from crisis_app.directory.organisations.models import Organisation, OrganisationContact
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.professionals.query import filter_statement


def recipient_for(person: Professional, channels: Sequence[str]) -> Recipient:
    """The person with the addresses of the wanted channels they consented to (none: unreachable)."""
    return Recipient(name=person.display_name, ref_type="professional", ref_id=person.id,
                     sms=person.mobile_phone if "sms" in channels and person.reachable_on("sms") else None,
                     email=person.email if "email" in channels and person.reachable_on("email") else None)


def recipients_for(people: Iterable[Professional], channels: Sequence[str]) -> list[Recipient]:
    return [recipient_for(p, channels) for p in people]


def crisis_referents() -> list[Professional]:
    """The référents crise sanitaire and their suppléants, as the directory names them."""
    statement = filter_statement({"crisis_role": ["referent", "suppleant"]})
    return list(db.session.scalars(statement.options(selectinload(Professional.consents))))


def recipients_for_organisations(organisation_ids: Iterable[int]) -> list[Recipient]:
    """Every contact of the given active organisations, named with their organisation."""
    contacts = db.session.scalars(
        sa.select(OrganisationContact).join(Organisation)
        .where(Organisation.id.in_(list(organisation_ids)), Organisation.active.is_(True))
        .order_by(Organisation.name, OrganisationContact.name)).all()
    return [Recipient(name=f"{c.name} ({c.organisation.name})", email=c.email, sms=c.phone,
                      ref_type="organisation_contact", ref_id=c.id) for c in contacts]


@outbox.reader_refs_provider
def _entries_of_user(user) -> set[tuple[str, int]]:
    """What the account is among recipients: the directory entry linked to it (never one whose address it copied),
    and the contacts of the partner organisation the account is attached to."""
    refs = {("professional", pid) for pid in db.session.scalars(sa.select(Professional.id)
                                                                .where(Professional.user_id == user.id))}
    if getattr(user, "organisation_id", None):
        refs |= {("organisation_contact", cid) for cid in db.session.scalars(
            sa.select(OrganisationContact.id).where(OrganisationContact.organisation_id == user.organisation_id))}
    return refs
