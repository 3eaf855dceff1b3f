"""Every change to the directory, each validated by the schemas and audited in the caller's unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.roles import role_may
from crisis_app.directory.professionals.models import (
    AlertConsent,
    Channel,
    CrisisRole,
    Membership,
    Professional,
    ProfessionalTag,
    StructureType,
)
from crisis_app.directory.professionals.query import to_confirm_clause
from crisis_app.directory.professionals.schemas import (
    ConsentInputSchema,
    ProfessionalInputSchema,
    ProfessionalPatchSchema,
)

AUDITED_FIELDS = ("rpps", "adeli", "civility", "last_name", "first_name", "profession_code", "profession",
                  "specialty", "practice_mode", "structure_name", "structure_type", "commune_code", "commune_name",
                  "postal_code", "mobile_phone", "mobile_shared", "structure_phone", "email", "crisis_role",
                  "membership", "active")
ENUM_FIELDS = {"structure_type": StructureType, "crisis_role": CrisisRole, "membership": Membership}
SELF_SERVICE_FIELDS = ("mobile_phone", "email", "structure_phone")
SELF_SERVICE_METHOD = "fiche en ligne (l'intéressé)"
_NOW = object()  # create_professional's default: the entry is confirmed as it is created


def validate_professional(data: Mapping[str, Any], *, partial: bool = False) -> dict:
    """Load ``data`` through the schema; refuse with every field's French message."""
    try:
        return (ProfessionalPatchSchema() if partial else ProfessionalInputSchema()).load(dict(data))
    except ValidationError as exc:
        raise ServiceError("validation_error", "Fiche invalide : corrigez les champs signalés.",
                           fields=_as_field_errors(exc.messages)) from None


def _as_field_errors(messages: Any) -> dict[str, list[str]]:
    if isinstance(messages, dict):
        return {k: v if isinstance(v, list) else [str(v)] for k, v in messages.items()}
    return {"_schema": list(messages)}


def validate_consent(data: Mapping[str, Any]) -> dict:
    """Load a consent change (channel, granted, method) or refuse it with French field messages."""
    try:
        return ConsentInputSchema().load(dict(data))
    except ValidationError as exc:
        raise ServiceError("validation_error", "Consentement invalide : corrigez les champs signalés.",
                           fields=_as_field_errors(exc.messages)) from None


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


MOBILE_TAKEN_SELF = ("Ce mobile est déjà celui d'une autre fiche de l'annuaire : indiquez votre propre mobile, ou "
                     "demandez au coordinateur de la CPTS de le marquer « partagé » s'il s'agit d'un numéro commun.")


def _mobile_taken(holders: list[Professional]) -> ServiceError:
    names = ", ".join(p.display_name for p in holders[:3]) + (" …" if len(holders) > 3 else "")
    return ServiceError("mobile_taken", f"Ce mobile est déjà celui de {names} (fiche active) : deux fiches actives "
                        "n'ont le même mobile que s'il est marqué « partagé » (cabinet, standard). Cochez « Mobile "
                        "partagé » ou corrigez le numéro.", field="mobile_phone", status=409)


def mobile_holders(mobile: str | None, *, exclude_id: int | None = None) -> list[Professional]:
    """The active entries holding ``mobile`` (E.164), but ``exclude_id``."""
    if not mobile:
        return []
    stmt = sa.select(Professional).where(Professional.active.is_(True), Professional.mobile_phone == mobile)
    if exclude_id is not None:
        stmt = stmt.where(Professional.id != exclude_id)
    with db.session.no_autoflush:
        return list(db.session.scalars(stmt.order_by(Professional.id)))


def _check_mobile(*, exclude_id: int | None, mobile: str | None, active: bool, shared: bool) -> list[Professional]:
    """The other active holders of the mobile the entry will have; refused unless the entry is marked shared."""
    holders = mobile_holders(mobile, exclude_id=exclude_id) if active else []
    if holders and not shared:
        raise _mobile_taken(holders)
    return holders


def _share_with(actor: User | None, professional: Professional, holders: list[Professional]) -> None:
    """Every holder of a shared mobile carries the flag (so a reply from it is known to be ambiguous)."""
    for other in holders:
        if not other.mobile_shared:
            other.mobile_shared = True
            audit.record(actor=actor, action="professional.update", object_type="professional", object_id=other.id,
                         summary=f"Mobile marqué partagé (aussi celui de {professional.display_name}) : "
                                 f"{other.display_name}", changes={"mobile_shared": [False, True]})


def _number_taken() -> ServiceError:
    # two people saving the same RPPS at once: the unique index decides, nothing half-written stays
    return ServiceError("duplicate", "Ce numéro figure déjà dans l'annuaire.", status=409)


@atomic(conflict=_number_taken)
def create_professional(*, actor: User | None, data: Mapping[str, Any], consents: Mapping[str, bool] | None = None,
                        consent_method: str | None = None, confirmed_at: Any = _NOW) -> Professional:
    """Add a professional, with the consents given on the membership form if any, in one transaction.

    ``confirmed_at`` defaults to now (whoever types the entry has the details at hand); an import or
    the demo passes the date the details were really last confirmed, or None.
    """
    clean = validate_professional(data)
    given = _validate_consents(consents or {}, consent_method)
    if error := _identifier_taken(clean):
        raise error
    holders = _check_mobile(exclude_id=None, mobile=clean.get("mobile_phone"), active=True,
                            shared=bool(clean.get("mobile_shared")))
    professional = Professional(last_name="", first_name="", profession_code="", profession="")
    _apply(professional, clean)
    professional.confirmed_at = utcnow() if confirmed_at is _NOW else confirmed_at
    db.session.add(professional)
    db.session.flush()
    audit.record(actor=actor, action="professional.create", object_type="professional",
                 object_id=professional.id, summary=f"Fiche créée : {professional.display_name}",
                 changes=audit.changes_between({}, snapshot(professional)))
    _share_with(actor, professional, holders)
    for item in given:
        _record_consent(actor=actor, professional=professional, **item)
    return professional


def _validate_consents(consents: Mapping[str, bool], method: str | None) -> list[dict]:
    return [validate_consent({"channel": channel, "granted": granted, "method": method or ""})
            for channel, granted in consents.items()]


@atomic(conflict=_number_taken)
def update_professional(*, actor: User | None, professional: Professional, data: Mapping[str, Any]) -> Professional:
    """Change some fields of a professional; absent fields are kept."""
    clean = validate_professional(data, partial=True)
    if clean.get("profession_code") == professional.profession_code and not data.get("profession"):
        clean.pop("profession", None)  # the label an import brought stays when the code is not changed
    if error := _identifier_taken(clean, exclude_id=professional.id):
        raise error
    rpps, adeli = clean.get("rpps", professional.rpps), clean.get("adeli", professional.adeli)
    if not rpps and not adeli:
        raise ServiceError("validation_error", "Indiquez un numéro RPPS ou ADELI.", field="rpps")
    holders = []
    mobile = clean.get("mobile_phone", professional.mobile_phone)
    shared = clean.get("mobile_shared", professional.mobile_shared)
    if mobile != professional.mobile_phone or shared != professional.mobile_shared:
        try:
            holders = _check_mobile(exclude_id=professional.id, mobile=mobile, active=professional.active,
                                    shared=shared)
        except ServiceError as exc:
            if actor is None or not role_may(actor.role, "directory.manage"):  # the person: no one else's name
                raise ServiceError("mobile_taken", MOBILE_TAKEN_SELF, field="mobile_phone", status=409) from None
            raise exc
    before = snapshot(professional)
    _apply(professional, clean)
    changes = audit.changes_between(before, snapshot(professional))
    if changes:
        audit.record(actor=actor, action="professional.update", object_type="professional",
                     object_id=professional.id, summary=f"Fiche modifiée : {professional.display_name}",
                     changes=changes)
    _share_with(actor, professional, holders)
    return professional


def set_active(*, actor: User | None, professional: Professional, active: bool) -> Professional:
    """Deactivate (or reactivate) a professional: an inactive one is never alerted. Reactivating an entry whose
    mobile another active entry took meanwhile is refused unless the mobile is marked shared."""
    if active and not professional.active:
        _share_with(actor, professional, _check_mobile(exclude_id=professional.id, mobile=professional.mobile_phone,
                                                      active=True, shared=professional.mobile_shared))
    if professional.active != active:
        professional.active = active
        audit.record(actor=actor, action="professional.activate" if active else "professional.deactivate",
                     object_type="professional", object_id=professional.id,
                     summary=f"Fiche {'réactivée' if active else 'désactivée'} : {professional.display_name}",
                     changes={"active": [not active, active]})
    return professional


def set_consent(*, actor: User | None, professional: Professional, channel: Channel | str, granted: bool,
                method: str) -> AlertConsent:
    """Record consent to alerts on a channel, or its withdrawal, in force at once."""
    clean = validate_consent({"channel": channel, "granted": granted, "method": method})
    consent = _record_consent(actor=actor, professional=professional, **clean)
    return consent


def _record_consent(*, actor: User | None, professional: Professional, channel: str, granted: bool,
                    method: str) -> AlertConsent:
    channel = Channel(channel)
    consent = professional.consent_for(channel)
    before = None if consent is None else consent.granted
    before_method = None if consent is None else consent.method
    if consent is None:
        consent = AlertConsent(channel=channel, granted=granted, method=method)
        professional.consents.append(consent)
    consent.granted, consent.method, consent.at = granted, method, utcnow()
    audit.record(actor=actor, action="professional.consent", object_type="professional", object_id=professional.id,
                 summary=f"{'Consentement' if granted else 'Retrait du consentement'} "
                         f"{channel.label} : {professional.display_name} ({method})",
                 changes={f"consent_{channel.value}": [before, granted], "consent_method": [before_method, method]})
    return consent


def confirm_details(*, actor: User | None, professional: Professional) -> Professional:
    """Mark the entry as confirmed now (freshness)."""
    professional.confirmed_at = utcnow()
    audit.record(actor=actor, action="professional.confirm", object_type="professional", object_id=professional.id,
                 summary=f"Coordonnées confirmées : {professional.display_name}")
    return professional


def professional_for_user(user: User) -> Professional | None:
    return db.session.scalar(sa.select(Professional).where(Professional.user_id == user.id))


def _account_taken() -> ServiceError:
    return ServiceError("already_linked", "Ce compte vient d'être lié à une autre fiche.", field="user_id", status=409)


@atomic(conflict=_account_taken)
def link_user(*, actor: User | None, professional: Professional, user: User | None) -> Professional:
    """Tie a login account to a directory entry, so the professional can keep it up to date."""
    if user is not None and not role_may(user.role, "directory.self"):
        raise ServiceError("validation_error", f"Le compte {user.email} ({user.role.label}) ne peut pas tenir "
                           "de fiche de l'annuaire.", field="user_id")
    if user is not None:
        other = professional_for_user(user)
        if other is not None and other.id != professional.id:
            raise ServiceError("already_linked", f"Le compte {user.email} est déjà lié à la fiche de "
                               f"{other.display_name}.", field="user_id", status=409)
    before = professional.user_id
    if before == (user.id if user else None):
        return professional
    professional.user_id = user.id if user else None
    summary = (f"Compte {user.email} lié à la fiche {professional.display_name}" if user
               else f"Compte délié de la fiche {professional.display_name}")
    audit.record(actor=actor, action="professional.link_user", object_type="professional",
                 object_id=professional.id, summary=summary,
                 changes={"user_id": [before, professional.user_id]})
    return professional


def update_own_details(*, user: User, data: Mapping[str, Any], unavailable_until: datetime | None,
                       availability_note: str | None, consents: Mapping[str, bool] | None = None) -> list:
    """A professional updates their own contact details, availability and consents; this confirms the entry.

    A new mobile or e-mail is not written: a code is sent to it, and the value reaches the entry once the code is
    typed (contact_changes); removing one is done at once. Returns the contact changes now waiting for their code.
    """
    from crisis_app.directory.professionals import contact_changes

    professional = professional_for_user(user)
    if professional is None:
        raise ServiceError("not_linked", "Aucune fiche de l'annuaire n'est liée à votre compte.", status=404)
    clean = validate_professional({k: v for k, v in data.items() if k in SELF_SERVICE_FIELDS}, partial=True)
    if unavailable_until is not None and unavailable_until < utcnow():
        raise ServiceError("validation_error", "Indisponible jusqu'au : choisissez une date à venir.",
                           field="unavailable_until")
    requested = contact_changes.request_changes(actor=user, professional=professional, clean=clean)
    before = _self_snapshot(professional)
    _apply(professional, clean)
    professional.unavailable_until = unavailable_until
    professional.availability_note = (availability_note or "").strip()[:300] or None
    professional.confirmed_at = utcnow()
    audit.record(actor=user, action="professional.self_update", object_type="professional",
                 object_id=professional.id, summary=f"Fiche mise à jour par l'intéressé : {professional.display_name}",
                 changes=audit.changes_between(before, _self_snapshot(professional)))
    for channel, granted in (consents or {}).items():
        current = professional.consent_for(channel)
        if (current is not None and current.granted) != granted:
            _record_consent(actor=user, professional=professional, channel=Channel(channel), granted=granted,
                            method=SELF_SERVICE_METHOD)
    return requested


def _self_snapshot(professional: Professional) -> dict[str, Any]:
    values = {f: getattr(professional, f) for f in SELF_SERVICE_FIELDS}
    values.update(unavailable_until=professional.unavailable_until, availability_note=professional.availability_note)
    return values


def entries_to_confirm() -> list[Professional]:
    """Active entries not confirmed within 6 months, oldest first: whom a confirmation campaign asks.

    The campaign itself (a message with a confirmation link) belongs to the notification layer.
    """
    stmt = (sa.select(Professional).where(Professional.active.is_(True), to_confirm_clause())
            .order_by(Professional.confirmed_at.asc().nulls_first(), Professional.last_name, Professional.id))
    return list(db.session.scalars(stmt))


def history(professional: Professional, *, limit: int = 100) -> list[AuditEvent]:
    """The audit rows of one entry, newest first."""
    stmt = (sa.select(AuditEvent)
            .where(AuditEvent.object_type == "professional", AuditEvent.object_id == str(professional.id))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def linkable_users() -> list[User]:
    """Active accounts whose role may keep a directory entry, by name."""
    users = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.full_name, User.id))
    return [u for u in users if role_may(u.role, "directory.self")]


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)
