"""Audiences: a saved filter or a fixed list of professionals, resolved when an alert is sent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError

from crisis_app.core import audit
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.audiences.models import Audience, AudienceKind, AudienceMember
from crisis_app.directory.audiences.schemas import AudienceInputSchema
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.professionals.query import filter_statement, reach_of


def statement(audience: Audience) -> sa.Select:
    """The active professionals the audience designates today."""
    if audience.kind is AudienceKind.FILTER:
        return filter_statement({**audience.criteria, "include_inactive": False})
    members = sa.select(AudienceMember.professional_id).where(AudienceMember.audience_id == audience.id)
    return sa.select(Professional).where(Professional.id.in_(members), Professional.active.is_(True))


def resolve(audience: Audience) -> list[Professional]:
    """Resolve at send time: whoever matches now (a filter) or is still active (a list)."""
    stmt = statement(audience).order_by(Professional.last_name, Professional.first_name, Professional.id)
    return list(db.session.scalars(stmt))


def reach(audience: Audience) -> dict[str, int]:
    return reach_of(statement(audience))


def _validate(data: Mapping[str, Any]) -> dict:
    try:
        return AudienceInputSchema().load(dict(data))
    except ValidationError as exc:
        raise ServiceError("validation_error", "Audience invalide : corrigez les champs signalés.",
                           fields={k: v if isinstance(v, list) else [str(v)] for k, v in exc.messages.items()}) \
            from None


def _check_members(ids: list[int]) -> None:
    found = set(db.session.scalars(sa.select(Professional.id).where(Professional.id.in_(ids))))
    if missing := sorted(set(ids) - found):
        raise ServiceError("validation_error", "Des personnes de la liste n'existent pas dans l'annuaire.",
                           fields={"professional_ids": [f"Inconnu(s) : {', '.join(map(str, missing[:20]))}"]})


def _name_conflict() -> ServiceError:
    # two people saving the same name at once: the unique index decides
    return ServiceError("duplicate", "Une audience porte déjà ce nom.", field="name", status=409)


@atomic(conflict=_name_conflict)
def save_audience(*, actor: User, data: Mapping[str, Any], audience: Audience | None = None) -> Audience:
    """Create an audience, or replace an existing one's definition."""
    clean = _validate(data)
    kind = AudienceKind(clean["kind"])
    ids = sorted(set(clean["professional_ids"])) if kind is AudienceKind.LIST else []
    _check_members(ids)
    clash = db.session.scalar(sa.select(Audience.id).where(Audience.name == clean["name"]))
    if clash is not None and (audience is None or clash != audience.id):
        raise ServiceError("duplicate", "Une audience porte déjà ce nom.", field="name", status=409)
    creating = audience is None
    audience = audience or Audience(created_by_id=actor.id)
    before = {"name": audience.name, "kind": audience.kind and audience.kind.value, "criteria": audience.criteria,
              "members": sorted(m.professional_id for m in audience.members)}
    audience.name, audience.kind = clean["name"], kind
    audience.description = clean.get("description")
    audience.criteria = clean["criteria"] if kind is AudienceKind.FILTER else {}
    audience.for_exercises = clean["for_exercises"]
    audience.members = [AudienceMember(professional_id=i) for i in ids]
    db.session.add(audience)
    db.session.flush()
    after = {"name": audience.name, "kind": kind.value, "criteria": audience.criteria, "members": ids}
    audit.record(actor=actor, action="audience.create" if creating else "audience.update", object_type="audience",
                 object_id=audience.id, summary=f"Audience {'créée' if creating else 'modifiée'} : {audience.name}",
                 changes=audit.changes_between(before, after))
    return audience


def delete_audience(*, actor: User, audience: Audience) -> None:
    audit.record(actor=actor, action="audience.delete", object_type="audience", object_id=audience.id,
                 summary=f"Audience supprimée : {audience.name}")
    db.session.delete(audience)
    db.session.flush()


def list_audiences() -> list[Audience]:
    return list(db.session.scalars(sa.select(Audience).order_by(Audience.for_exercises, Audience.name)))


def ids_for_numbers(text: str) -> list[int]:
    """Directory ids of the RPPS or ADELI numbers pasted in ``text`` (any separator); unknown ones are refused."""
    numbers = [n for n in re.split(r"[\s,;]+", text or "") if n]
    if not numbers:
        return []
    found = dict(db.session.execute(sa.select(Professional.rpps, Professional.id)
                                    .where(Professional.rpps.in_(numbers))).all())
    found.update(db.session.execute(sa.select(Professional.adeli, Professional.id)
                                    .where(Professional.adeli.in_(numbers))).all())
    if missing := [n for n in numbers if n not in found]:
        raise ServiceError("validation_error", "Des numéros collés ne figurent pas dans l'annuaire.",
                           fields={"numbers": [f"Numéros inconnus : {', '.join(missing[:20])}"]})
    return sorted({found[n] for n in numbers})
