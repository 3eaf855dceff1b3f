"""The audit trail: one row per change, added to the caller's transaction (never through a queue)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.pagination import contains

SYSTEM_LABEL = "système"


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(*, actor: User | None, action: str, object_type: str, object_id: Any = None,
           summary: str, changes: dict | None = None) -> AuditEvent:
    """Add an audit row to the current session; the caller commits it with its change."""
    event = AuditEvent(
        actor=actor,
        actor_label=actor.email if actor is not None else SYSTEM_LABEL,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary[:500],
        changes=_jsonable(changes or {}),
    )
    db.session.add(event)
    return event


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def select_events(flt: AuditFilter) -> sa.Select:
    """The query of the audit rows matching ``flt``, newest first."""
    query = sa.select(AuditEvent)
    if flt.actor:
        query = query.where(contains(AuditEvent.actor_label, flt.actor))
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.object_type:
        query = query.where(AuditEvent.object_type == flt.object_type)
    if flt.since:
        query = query.where(AuditEvent.at >= flt.since)
    if flt.until:
        query = query.where(AuditEvent.at < flt.until)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def search(flt: AuditFilter, *, limit: int = 100, offset: int = 0) -> tuple[list[AuditEvent], int]:
    """Audit rows matching ``flt``, newest first, with the total count."""
    query = select_events(flt)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(limit).offset(offset)).all()
    return list(rows), total or 0


def user_names(events: list[AuditEvent]) -> dict[int, str]:
    """Names of the accounts the events are about, in one query."""
    ids = {int(e.object_id) for e in events
           if e.object_type == "user" and e.object_id and e.object_id.isascii() and e.object_id.isdigit()}
    if not ids:
        return {}
    return {uid: name for uid, name in db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))}


def known_actions() -> list[str]:
    """Distinct actions present, for the filter menu."""
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
