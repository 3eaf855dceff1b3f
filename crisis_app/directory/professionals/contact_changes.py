"""A professional's new mobile or e-mail reaches their entry only once the code sent to it is typed back.

Otherwise anyone could type a colleague's mobile or e-mail into their own entry and receive the colleague's messages
(alerts, answer links, "mes messages"). The code (6 digits, 30 minutes, 5 tries) goes through the outbox to the NEW
address; it is derived from the pending change (its id, a random nonce, the value) with the secret key and written
per delivery by the renderer below, so no stored message text holds it. A few codes an hour per entry, so the form
cannot be used to flood someone's phone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from crisis_app.core import audit
from crisis_app.core.auth import ratelimit
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.directory.professionals import services
from crisis_app.directory.professionals.models import ContactChange, ContactField, Professional
from crisis_app.directory.validation import format_phone_for_display

TOPIC = "directory.contact_code"
CODE_TTL = timedelta(minutes=30)
MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
outbox.TOPIC_LABELS[TOPIC] = "Code de confirmation de coordonnées"


def code_for(change: ContactChange) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    text = f"contact-code:{change.id}:{change.nonce}:{change.field.value}:{change.new_value}".encode()
    return f"{int.from_bytes(hmac.new(key, text, hashlib.sha256).digest()[:8], 'big') % 1_000_000:06d}"


@outbox.renderer(TOPIC)
def _render(ctx: outbox.RenderContext) -> outbox.Rendered:
    recipient = ctx.recipient
    change = db.session.get(ContactChange, recipient.ref_id) if recipient and recipient.ref_type == "contact_change" \
        else None
    code = code_for(change) if change is not None else "(demande remplacée par une plus récente)"
    message = ctx.message
    return outbox.Rendered(subject=message.subject, sms_text=f"{message.sms_text} {code}",
                           email_text=f"{message.email_text}\n\nCode : {code}\n")


def shown(change: ContactChange) -> str:
    return format_phone_for_display(change.new_value) if change.field is ContactField.MOBILE else change.new_value


def pending_for(professional: Professional) -> list[ContactChange]:
    return list(db.session.scalars(sa.select(ContactChange).where(ContactChange.professional_id == professional.id)
                                   .order_by(ContactChange.field)))


def _pending(professional: Professional, field: ContactField) -> ContactChange | None:
    return db.session.scalar(sa.select(ContactChange).where(ContactChange.professional_id == professional.id,
                                                            ContactChange.field == field))


def request_change(*, user: User | None, professional: Professional, field: ContactField,
                   value: str) -> ContactChange:
    """Keep ``value`` aside and send its code to it (in the caller's unit of work); a newer request replaces an
    older one for the same field."""
    label = field.label
    if field is ContactField.MOBILE and services.mobile_holders(value, exclude_id=professional.id):
        raise ServiceError("mobile_taken", services.MOBILE_TAKEN_SELF, field=field.value, status=409)
    if not ratelimit.allow([ratelimit.Key("contact-code", str(professional.id))], CODES_PER_HOUR, 3600):
        raise ServiceError("too_many_codes", "Trop de codes demandés pour votre fiche : réessayez dans une heure.",
                           field=field.value, status=429)
    previous = _pending(professional, field)
    if previous is not None:
        db.session.delete(previous)
        db.session.flush()
    change = ContactChange(professional_id=professional.id, field=field, new_value=value,
                           nonce=secrets.token_hex(8), expires_at=utcnow() + CODE_TTL)
    db.session.add(change)
    db.session.flush()
    cpts = current_app.config["CPTS_NAME"]
    mobile = field is ContactField.MOBILE
    message = outbox.send_message(
        topic=TOPIC, subject=f"{cpts} : code de confirmation",
        recipients=[outbox.Recipient(name=professional.display_name, sms=value if mobile else None,
                                     email=None if mobile else value, ref_type="contact_change", ref_id=change.id)],
        channels=("sms",) if mobile else ("email",),
        sms_text=f"{cpts} : pour enregistrer ce mobile dans l'annuaire, saisissez ce code (30 min) :",
        email_text=(f"Bonjour,\n\nPour enregistrer cette adresse e-mail dans votre fiche de l'annuaire de {cpts}, "
                    "saisissez ce code dans Vigie (valable 30 minutes). Si vous n'avez rien demandé, ignorez ce "
                    "message : rien ne change."),
        about=("professional", professional.id), author=user, label=f"Code : nouveau {label}")
    if not message.delivery_count:
        raise ServiceError("no_channel", f"Le code ne peut pas être envoyé (aucun canal configuré) : demandez au "
                           f"coordinateur de la CPTS de modifier votre {label}.", field=field.value, status=409)
    audit.record(actor=user, action="professional.contact_code", object_type="professional",
                 object_id=professional.id, summary=f"Code envoyé au nouveau {label} : {professional.display_name}")
    return change


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


def confirm_change(*, user: User, field: ContactField, code: str) -> Outcome:
    """« Ma fiche »: the signed-in person's own entry."""
    professional = services.professional_for_user(user)
    if professional is None:
        return Outcome(False, f"Aucun nouveau {field.label} n'attend de code : saisissez-le à nouveau dans "
                              "votre fiche.")
    return confirm_for(professional=professional, actor=user, field=field, code=code)


def confirm_for(*, professional: Professional, actor: User | None, field: ContactField, code: str) -> Outcome:
    """Apply the pending value when ``code`` is its code. A wrong code counts a try (kept: the caller commits);
    past the tries or the time, the request is dropped."""
    change = _pending(professional, field)
    if change is None:
        return Outcome(False, f"Aucun nouveau {field.label} n'attend de code : saisissez-le à nouveau.")
    if change.expires_at < utcnow() or change.attempts >= MAX_ATTEMPTS:
        db.session.delete(change)
        return Outcome(False, f"Ce code n'est plus valable : saisissez à nouveau votre nouveau {field.label} pour en "
                              "recevoir un autre.")
    if not hmac.compare_digest((code or "").strip().replace(" ", ""), code_for(change)):
        change.attempts += 1
        left = MAX_ATTEMPTS - change.attempts
        return Outcome(False, "Code incorrect." + (f" Encore {left} essai{'s' if left > 1 else ''}." if left
                                                   else " Demandez un nouveau code."))
    value, label = change.new_value, field.label
    db.session.delete(change)
    db.session.flush()
    services.update_professional(actor=actor, professional=professional, data={field.value: value})
    audit.record(actor=actor, action="professional.contact_verified", object_type="professional",
                 object_id=professional.id, summary=f"Nouveau {label} confirmé par code : {professional.display_name}")
    return Outcome(True, f"Votre nouveau {label} est enregistré.")


def cancel_change(*, professional: Professional | None, field: ContactField) -> None:
    change = _pending(professional, field) if professional is not None else None
    if change is not None:
        db.session.delete(change)


def request_changes(*, actor: User | None, professional: Professional, clean: dict) -> list[ContactChange]:
    """For each new (non-empty, different) mobile or e-mail in ``clean``: take it out and send its code."""
    requested = []
    for field in ContactField:
        value = clean.get(field.value)
        if value and value != getattr(professional, field.value):
            clean.pop(field.value)
            requested.append(request_change(user=actor, professional=professional, field=field, value=value))
    return requested
