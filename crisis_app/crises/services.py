"""Opening and reading crises; every change with its audit row in the same transaction."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core import audit, crisis_context
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.crises.models import GRADATIONS, Crisis, Typology


def current_crisis() -> Crisis | None:
    """The open crisis that is not an exercise, most recently opened first."""
    return db.session.scalar(
        sa.select(Crisis).where(Crisis.closed_at.is_(None), Crisis.is_exercise.is_(False))
        .order_by(Crisis.opened_at.desc()).limit(1))


def open_crisis(*, actor: User, title: str, typology: int, gradation: int = 1,
                is_exercise: bool = False) -> Crisis:
    """Open a crisis at a gradation after the authorities qualified it."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Le titre est obligatoire."]
    if typology not in {t.value for t in Typology}:
        errors["typology"] = ["Typologie inconnue (1 à 5)."]
    if gradation not in GRADATIONS:
        errors["gradation"] = ["La gradation est 1 ou 2."]
    if errors:
        raise ServiceError("validation_error", "Crise invalide.", fields=errors)
    crisis = Crisis(title=title.strip(), typology=typology, gradation=gradation,
                    opened_at=utcnow(), is_exercise=is_exercise)
    db.session.add(crisis)
    db.session.flush()
    audit.record(actor=actor, action="crisis.open", object_type="crisis", object_id=crisis.id,
                 summary=f"Crise ouverte : {crisis.title} (gradation {gradation})",
                 changes={"gradation": [None, gradation], "typology": [None, typology]})
    db.session.commit()
    return crisis


def log_to_journal(*, crisis: Crisis, actor: User | None, kind: str, text: str) -> None:
    """Note an event of the crisis (an alert sent, its figures, its end) in the caller's transaction.

    The journal de bord (its own chained table, `crisis verify-journal`) comes with the crisis feature; until
    then the entry is an audit row on the crisis, which that feature will carry over.
    """
    audit.record(actor=actor, action=f"crisis.journal.{kind}", object_type="crisis", object_id=crisis.id,
                 summary=text)


def info(crisis: Crisis | None) -> crisis_context.CrisisInfo | None:
    if crisis is None:
        return None
    return crisis_context.CrisisInfo(id=crisis.id, title=crisis.title, typology=crisis.typology,
                                     gradation=crisis.gradation, is_exercise=crisis.is_exercise,
                                     active=crisis.active)


def register_context() -> None:
    """Let alerts and stock know the crises through core, without importing this package."""
    crisis_context.register(
        current=lambda: info(current_crisis()),
        get=lambda crisis_id: info(db.session.get(Crisis, crisis_id)),
        all_crises=lambda: [info(c) for c in db.session.scalars(
            sa.select(Crisis).order_by(Crisis.opened_at.desc()))])


def _journal_alert_event(sender, *, crisis_id: int | None, actor=None, summary: str, **_extra) -> None:
    crisis = db.session.get(Crisis, crisis_id) if crisis_id else None
    if crisis is not None:
        log_to_journal(crisis=crisis, actor=actor, kind="alert", text=summary)
