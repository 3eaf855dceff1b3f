"""Every change to the directory, each validated by the schemas and audited in its own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.models import (
    AlertConsent,
    Channel,
    CrisisRole,
    Membership,
    Professional,
    ProfessionalTag,
    StructureType,
)
from crisis_app.directory.schemas import ProfessionalInputSchema

AUDITED_FIELDS = ("rpps", "adeli", "civility", "last_name", "first_name", "profession_code", "profession",
                  "specialty", "practice_mode", "structure_name", "structure_type", "commune_code", "commune_name",
                  "postal_code", "mobile_phone", "structure_phone", "email", "crisis_role", "membership", "active")
ENUM_FIELDS = {"structure_type": StructureType, "crisis_role": CrisisRole, "membership": Membership}
SELF_SERVICE_FIELDS = ("mobile_phone", "email", "structure_phone")


def validate_professional(data: Mapping[str, Any], *, partial: bool = False) -> dict:
    """Load ``data`` through the schema; refuse with every field's French message."""
    try:
        return ProfessionalInputSchema().load(dict(data), partial=partial)
    except ValidationError as exc:
        raise ServiceError("validation_error", "Fiche invalide : corrigez les champs signalés.",
                           fields=_as_field_errors(exc.messages)) from None


def _as_field_errors(messages: Any) -> dict[str, list[str]]:
    if isinstance(messages, dict):
        return {k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
    return {"_schema": list(messages)}


def snapshot(professional: Professional) -> dict[str, Any]:
    """The audited fields of a professional, as plain values."""
    values = {f: getattr(professional, f) for f in AUDITED_FIELDS}
    values = {k: v.value if hasattr(v, "value") else v for k, v in values.items()}
    values["tags"] = professional.skill_list
    return values


def _apply(professional: Professional, data: dict, *, source: str = "manual") -> None:
    for key, value in data.items():
        if key == "tags":
            _set_tags(professional, value)
        elif key in ENUM_FIELDS:
            setattr(professional, key, ENUM_FIELDS[key](value) if value else None)
        else:
            setattr(professional, key, value)
    if "mobile_phone" in data:
        professional.mobile_phone_source = source
    if "email" in data:
        professional.email_source = source


def _set_tags(professional: Professional, tags: list[str]) -> None:
    wanted = set(tags)
    professional.tags = [t for t in professional.tags if t.tag in wanted]
    present = {t.tag for t in professional.tags}
    professional.tags.extend(ProfessionalTag(tag=t) for t in sorted(wanted - present))


def _identifier_taken(data: dict, exclude_id: int | None = None) -> ServiceError | None:
    for field in ("rpps", "adeli"):
        value = data.get(field)
        if not value:
            continue
        query = sa.select(Professional.id).where(getattr(Professional, field) == value)
        if exclude_id is not None:
            query = query.where(Professional.id != exclude_id)
        if db.session.scalar(query) is not None:
            label = "RPPS" if field == "rpps" else "ADELI"
            return ServiceError("duplicate", f"Ce numéro {label} figure déjà dans l'annuaire.", field=field,
                                status=409)
    return None


def _commit_or_conflict() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        # two people saving the same RPPS at once: the unique index decides, nothing half-written stays
        db.session.rollback()
        raise ServiceError("duplicate", "Ce numéro figure déjà dans l'annuaire.", status=409) from None


def create_professional(*, actor: User | None, data: Mapping[str, Any]) -> Professional:
    """Add a professional to the directory."""
    clean = validate_professional(data)
    if error := _identifier_taken(clean):
        raise error
    professional = Professional(last_name="", first_name="", profession_code="", profession="")
    _apply(professional, clean)
    professional.confirmed_at = utcnow()
    db.session.add(professional)
    db.session.flush()
    audit.record(actor=actor, action="professional.create", object_type="professional",
                 object_id=professional.id, summary=f"Fiche créée : {professional.display_name}",
                 changes=audit.changes_between({}, snapshot(professional)))
    _commit_or_conflict()
    return professional


def update_professional(*, actor: User | None, professional: Professional, data: Mapping[str, Any]) -> Professional:
    """Change some fields of a professional; absent fields are kept."""
    clean = validate_professional(data, partial=True)
    if error := _identifier_taken(clean, exclude_id=professional.id):
        raise error
    before = snapshot(professional)
    _apply(professional, clean)
    changes = audit.changes_between(before, snapshot(professional))
    if changes:
        audit.record(actor=actor, action="professional.update", object_type="professional",
                     object_id=professional.id, summary=f"Fiche modifiée : {professional.display_name}",
                     changes=changes)
    _commit_or_conflict()
    return professional


def set_active(*, actor: User | None, professional: Professional, active: bool) -> Professional:
    """Deactivate (or reactivate) a professional: an inactive one is never alerted."""
    if professional.active != active:
        professional.active = active
        audit.record(actor=actor, action="professional.activate" if active else "professional.deactivate",
                     object_type="professional", object_id=professional.id,
                     summary=f"Fiche {'réactivée' if active else 'désactivée'} : {professional.display_name}",
                     changes={"active": [not active, active]})
        db.session.commit()
    return professional


def set_consent(*, actor: User | None, professional: Professional, channel: Channel | str, granted: bool,
                method: str) -> AlertConsent:
    """Record consent to alerts on a channel, or its withdrawal, in force at once."""
    channel = Channel(channel)
    method = method.strip()
    if not method:
        raise ServiceError("validation_error", "Précisez comment le consentement a été recueilli.", field="method")
    consent = professional.consent_for(channel)
    before = None if consent is None else consent.granted
    if consent is None:
        consent = AlertConsent(channel=channel, granted=granted, method=method)
        professional.consents.append(consent)
    consent.granted, consent.method, consent.at = granted, method, utcnow()
    audit.record(actor=actor, action="professional.consent", object_type="professional", object_id=professional.id,
                 summary=f"{'Consentement' if granted else 'Retrait du consentement'} {channel.value} : "
                         f"{professional.display_name} ({method})",
                 changes={f"consent_{channel.value}": [before, granted]})
    db.session.commit()
    return consent


def confirm_details(*, actor: User | None, professional: Professional) -> Professional:
    """Mark the entry as confirmed now (freshness)."""
    professional.confirmed_at = utcnow()
    audit.record(actor=actor, action="professional.confirm", object_type="professional", object_id=professional.id,
                 summary=f"Coordonnées confirmées : {professional.display_name}")
    db.session.commit()
    return professional


def professional_for_user(user: User) -> Professional | None:
    return db.session.scalar(sa.select(Professional).where(Professional.user_id == user.id))


def link_user(*, actor: User | None, professional: Professional, user: User | None) -> Professional:
    """Tie a login account to a directory entry, so the professional can keep it up to date."""
    before = professional.user_id
    professional.user_id = user.id if user else None
    audit.record(actor=actor, action="professional.link_user", object_type="professional",
                 object_id=professional.id, summary=f"Compte lié à la fiche {professional.display_name}",
                 changes={"user_id": [before, professional.user_id]})
    _commit_or_conflict()
    return professional


def update_own_details(*, user: User, data: Mapping[str, Any], unavailable_until: datetime | None,
                       availability_note: str | None) -> Professional:
    """A professional updates their own contact details and availability, which confirms the entry."""
    professional = professional_for_user(user)
    if professional is None:
        raise ServiceError("not_linked", "Aucune fiche de l'annuaire n'est liée à votre compte.", status=404)
    clean = validate_professional({k: v for k, v in data.items() if k in SELF_SERVICE_FIELDS}, partial=True)
    before = snapshot(professional)
    before.update(unavailable_until=professional.unavailable_until, availability_note=professional.availability_note)
    _apply(professional, clean)
    professional.unavailable_until = unavailable_until
    professional.availability_note = (availability_note or "").strip()[:300] or None
    professional.confirmed_at = utcnow()
    after = snapshot(professional)
    after.update(unavailable_until=professional.unavailable_until, availability_note=professional.availability_note)
    audit.record(actor=user, action="professional.self_update", object_type="professional",
                 object_id=professional.id, summary=f"Fiche mise à jour par l'intéressé : {professional.display_name}",
                 changes=audit.changes_between(before, after))
    db.session.commit()
    return professional
