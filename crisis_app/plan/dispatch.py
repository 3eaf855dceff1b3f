"""The published plan sent to the tutelles it names (the ARS, CPAM and MSA among its partners, by the e-mail of
their contacts): the message is written in the publication's transaction, followed per recipient, and leaves once
the worker has made the PDF it carries (core.notifications.attachments)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from crisis_app.core import audit, tracked_sends
from crisis_app.core.db import atomic, db
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.directory.organisations.models import Organisation, OrganisationContact, OrganisationKind
from crisis_app.plan.models import PlanVersion

TOPIC = "plan.published"
TUTELLES = (OrganisationKind.ARS, OrganisationKind.CPAM, OrganisationKind.MSA)


def tutelle_contacts(plan: PlanVersion) -> list[OrganisationContact]:
    """The contacts with an e-mail of the active ARS, CPAM and MSA the plan names among its partners."""
    named = [i for i in (plan.retex or {}).get("recipient_ids", []) if isinstance(i, int)]
    if not named:
        return []
    return list(db.session.scalars(
        sa.select(OrganisationContact).join(Organisation)
        .where(Organisation.id.in_(named), Organisation.active.is_(True), Organisation.kind.in_(TUTELLES),
               OrganisationContact.email.isnot(None), OrganisationContact.email != "")
        .order_by(Organisation.name, OrganisationContact.name)))


def recipients(plan: PlanVersion) -> list:
    """The outbox recipients, each tied to its organisation contact (so the organisation's observers read it)."""
    from crisis_app.core.notifications.outbox import Recipient

    return [Recipient(name=f"{c.name} ({c.organisation.name})", email=c.email, ref_type="organisation_contact",
                      ref_id=c.id) for c in tutelle_contacts(plan)]


def send_published(*, actor: User, plan: PlanVersion):
    """Send the just-published version's PDF to its tutelles (nothing without one); inside the caller's
    transaction, so a refused publication sends nothing."""
    from crisis_app.core.notifications import outbox
    from crisis_app.plan import documents as plan_documents

    people = recipients(plan)
    if not people:
        return None
    cpts = current_app.config.get("CPTS_NAME", "CPTS")
    message = outbox.send_message(
        topic=TOPIC, subject=f"{cpts} — plan d'action crise sanitaire {plan.year}",
        email_text=(f"Bonjour,\n\nVeuillez trouver ci-joint le plan d'action crise sanitaire {plan.year} de la CPTS "
                    f"{cpts}, publié par {plan.published_by_label}.\n\nCordialement,\n{cpts}"),
        recipients=people, channels=("email",), about=("plan", plan.id), author=actor, read_permission="plan.read",
        label=f"Plan d'action {plan.year}",
        attachments=[outbox.Attachment.of_document(  # made by the worker: the message leaves once it is
            plan_documents.request_plan(plan, actor=actor), filename=f"plan-action-{plan.year}.pdf",
            media_type="application/pdf")])
    audit.record(actor=actor, action="plan.send", object_type="plan", object_id=plan.id,
                 summary=f"Plan d'action {plan.year} envoyé aux tutelles "
                         f"({pluriel(message.recipient_count, 'destinataire', 'destinataires')})",
                 changes={"message": [None, message.id], "recipients": [None, [p.email for p in people]]})
    return message


def message_of(plan: PlanVersion):
    """The message that carried the published version to its tutelles, or None."""
    from crisis_app.core.notifications.models import Message

    return db.session.scalar(sa.select(Message).where(Message.topic == TOPIC, Message.about_type == "plan",
                                                      Message.about_id == plan.id).order_by(Message.id).limit(1))


def deliveries(plan: PlanVersion) -> list:
    message = message_of(plan)
    return tracked_sends.deliveries_of(message.id if message else None)


@atomic()
def resend(*, actor: User, plan: PlanVersion, delivery_id: int) -> list:
    """Send the plan again to one tutelle's contact (a bounce, a lost e-mail)."""
    message = message_of(plan)
    delivery, added = tracked_sends.resend(message.id if message else None, delivery_id,
                                           what=f"l'envoi du plan {plan.year}")
    audit.record(actor=actor, action="plan.resend", object_type="plan", object_id=plan.id,
                 summary=f"Plan d'action {plan.year} renvoyé à {delivery.recipient.name}"[:500],
                 changes={"delivery": [delivery.id, added[0].id if added else None]})
    return added
