"""Needs identified during a crisis (home visits for ALD patients, a vaccination site, a shortage…)."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.crises import journal
from crisis_app.crises.models import Crisis, EntryKind, Need, NeedStatus
from crisis_app.crises.services import ensure_open


def needs_of(crisis: Crisis) -> list[Need]:
    order = sa.case({NeedStatus.IDENTIFIED: 0, NeedStatus.IN_PROGRESS: 1, NeedStatus.MET: 2}, value=Need.status,
                    else_=3)
    return list(db.session.scalars(sa.select(Need).where(Need.crisis_id == crisis.id)
                                   .order_by(order, Need.created_at)))


def _clean(title: str | None, detail: str | None, owner: str | None) -> tuple[str, str | None, str | None]:
    errors: dict[str, list[str]] = {}
    title, detail, owner = (title or "").strip(), (detail or "").strip() or None, (owner or "").strip() or None
    if not title or len(title) > 200:
        errors["title"] = ["Le besoin est obligatoire (200 caractères au plus)."]
    if detail and len(detail) > 1000:
        errors["detail"] = ["1000 caractères au plus."]
    if owner and len(owner) > 200:
        errors["owner"] = ["200 caractères au plus."]
    if errors:
        raise ServiceError("validation_error", "Besoin invalide : corrigez les champs signalés.", fields=errors)
    return title, detail, owner


@atomic()
def add_need(*, actor: User, crisis: Crisis, title: str, detail: str | None = None, owner: str | None = None) -> Need:
    """Record a need, with its journal line and audit row."""
    title, detail, owner = _clean(title, detail, owner)
    ensure_open(crisis)
    need = Need(crisis_id=crisis.id, title=title, detail=detail, owner=owner, status=NeedStatus.IDENTIFIED,
                created_at=utcnow(), updated_at=utcnow())
    db.session.add(need)
    db.session.flush()
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.ACTION,
                   text=f"Besoin identifié : {title}" + (f" (pris en charge par {owner})" if owner else ""))
    audit.record(actor=actor, action="crisis.need_add", object_type="crisis_need", object_id=need.id,
                 summary=f"Besoin identifié ({crisis.title}) : {title}")
    return need


@atomic()
def update_need(*, actor: User, need: Need, status: str, owner: str | None) -> Need:
    """Change a need's status or owner."""
    if status not in {s.value for s in NeedStatus}:
        raise ServiceError("validation_error", "Statut inconnu.", field="status")
    _, _, owner = _clean(need.title, None, owner)
    crisis = db.session.get(Crisis, need.crisis_id)
    ensure_open(crisis)
    before = {"status": need.status.value, "owner": need.owner}
    need.status, need.owner, need.updated_at = NeedStatus(status), owner, utcnow()
    changes = audit.changes_between(before, {"status": need.status.value, "owner": owner})
    if not changes:
        return need
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.ACTION,
                   text=f"Besoin « {need.title} » : {need.status.label}" + (f", pris en charge par {owner}"
                                                                              if owner else ""))
    audit.record(actor=actor, action="crisis.need_update", object_type="crisis_need", object_id=need.id,
                 summary=f"Besoin « {need.title} » : {need.status.label}", changes=changes)
    return need


def counts(crisis: Crisis) -> dict[str, int]:
    rows = db.session.execute(sa.select(Need.status, sa.func.count()).where(Need.crisis_id == crisis.id)
                              .group_by(Need.status))
    by = {s.value if isinstance(s, NeedStatus) else s: n for s, n in rows}
    return {"total": sum(by.values()), "met": by.get("met", 0), **by}
