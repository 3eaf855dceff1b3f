"""A crisis's life: open, change gradation, close. Each change, its journal entry and its audit row: one unit of work.

Invalid requests change nothing: a bad value is refused with 422, a change a closed crisis cannot take with 409.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from crisis_app.alerts import services as alert_services
from crisis_app.core import audit, crisis_context
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.timez import paris_datetime
from crisis_app.core.vocabulary import Gradation, Typology
from crisis_app.crises import journal
from crisis_app.crises.models import (
    Authority,
    Crisis,
    EntryKind,
    LevelChange,
)

MAX_REASON = 1000


def current_crisis() -> Crisis | None:
    """The open crisis that is not an exercise, most recently opened first."""
    return db.session.scalar(
        sa.select(Crisis).where(Crisis.closed_at.is_(None), Crisis.is_exercise.is_(False))
        .order_by(Crisis.opened_at.desc(), Crisis.id.desc()).limit(1))


def current_exercise() -> Crisis | None:
    """The open exercise, most recently opened first."""
    return db.session.scalar(
        sa.select(Crisis).where(Crisis.closed_at.is_(None), Crisis.is_exercise.is_(True))
        .order_by(Crisis.opened_at.desc(), Crisis.id.desc()).limit(1))


def open_crises(*, exercise: bool | None = None) -> list[Crisis]:
    """Every open crisis (``exercise``: only exercises, only real crises, or both when None), newest first."""
    query = sa.select(Crisis).where(Crisis.closed_at.is_(None))
    if exercise is not None:
        query = query.where(Crisis.is_exercise.is_(exercise))
    return list(db.session.scalars(query.order_by(Crisis.is_exercise, Crisis.opened_at.desc(), Crisis.id.desc())))


def list_crises(*, limit: int = 100) -> list[Crisis]:
    """Crises and exercises, open ones first, then most recent first."""
    return list(db.session.scalars(sa.select(Crisis).order_by(Crisis.closed_at.is_(None).desc(),
                                                              Crisis.opened_at.desc()).limit(limit)))


def level_changes(crisis: Crisis) -> list[LevelChange]:
    return list(db.session.scalars(sa.select(LevelChange).where(LevelChange.crisis_id == crisis.id)
                                   .order_by(LevelChange.at, LevelChange.id)))


def _refuse(errors: dict[str, list[str]], message: str = "Crise invalide : corrigez les champs signalés.") -> None:
    if errors:
        raise ServiceError("validation_error", message, fields=errors)


def _gradation_error(gradation) -> list[str] | None:
    if isinstance(gradation, bool) or gradation not in set(Gradation):
        return ["Gradation inconnue : veille (0), gradation 1 ou gradation 2."]
    return None


def _reason(reason: str | None, errors: dict, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        errors["reason"] = ["Le motif est obligatoire."]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [f"{MAX_REASON} caractères au plus."]
    return reason


def _author(actor: User | None) -> str:
    return (actor.full_name or actor.email) if actor else audit.SYSTEM_LABEL


@atomic()
def open_crisis(*, actor: User, title: str, typology: int, gradation: int = 1, is_exercise: bool = False,
                authority: str | None = None, authority_reference: str | None = None,
                qualified_at: datetime | None = None) -> Crisis:
    """Open a crisis at a gradation after the authorities qualified it."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = ["Le titre est obligatoire (200 caractères au plus)."]
    if isinstance(typology, bool) or typology not in set(Typology):
        errors["typology"] = ["Typologie inconnue (1 à 5)."]
    if problem := _gradation_error(gradation):
        errors["gradation"] = problem
    if authority is not None and authority not in {a.value for a in Authority}:
        errors["authority"] = ["Autorité inconnue."]
    if qualified_at is not None and (qualified_at.tzinfo is None or not 2000 <= qualified_at.year <= 2100):
        errors["qualified_at"] = ["Date de qualification invalide (avec son fuseau, entre 2000 et 2100)."]
    if authority_reference and len(authority_reference) > 120:
        errors["authority_reference"] = ["120 caractères au plus."]
    _refuse(errors)
    now = utcnow()
    crisis = Crisis(title=title, typology=typology, gradation=gradation, opened_at=now, is_exercise=is_exercise,
                    authority=authority, authority_reference=(authority_reference or "").strip() or None,
                    qualified_at=qualified_at or now, opened_by_id=actor.id if actor else None)
    db.session.add(crisis)
    db.session.flush()
    db.session.add(LevelChange(crisis_id=crisis.id, at=now, from_gradation=None, to_gradation=gradation,
                               reason="Ouverture", author_id=actor.id if actor else None, author_label=_author(actor)))
    qualified = (f", qualifiée par {Authority(authority).label}"
                 f"{f' (réf. {crisis.authority_reference})' if crisis.authority_reference else ''}"
                 f" le {paris_datetime(crisis.qualified_at)}" if authority else "")
    text = (f"{'Exercice' if is_exercise else 'Crise'} ouvert{'' if is_exercise else 'e'} : {title} — "
            f"{Typology(typology).label}, {Gradation(gradation).label}{qualified}")
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.LEVEL_CHANGE, text=text)
    audit.record(actor=actor, action="crisis.open", object_type="crisis", object_id=crisis.id,
                 summary=f"Crise ouverte : {crisis.title} (gradation {gradation})",
                 changes={"gradation": [None, gradation], "typology": [None, typology],
                          "is_exercise": [None, is_exercise], "authority": [None, authority]})
    return crisis


def ensure_open(crisis: Crisis) -> None:
    """Refuse (409) any change to a closed crisis."""
    if not crisis.active:
        raise ServiceError("crisis_closed", f"Cette crise est close depuis le {paris_datetime(crisis.closed_at)} : "
                           "elle ne peut plus changer.", status=409)


@atomic()
def change_level(*, actor: User, crisis: Crisis, gradation: int, reason: str) -> Crisis:
    """Raise or lower the gradation (veille, 1, 2), with the reason, the author and the time."""
    errors: dict[str, list[str]] = {}
    if problem := _gradation_error(gradation):
        errors["gradation"] = problem
    reason = _reason(reason, errors)
    _refuse(errors, "Changement de niveau invalide : corrigez les champs signalés.")
    ensure_open(crisis)
    if gradation == crisis.gradation:
        raise ServiceError("same_level", f"La crise est déjà en {Gradation(gradation).label.lower()}.",
                           field="gradation", status=409)
    before = crisis.gradation
    crisis.gradation = gradation
    db.session.add(LevelChange(crisis_id=crisis.id, at=utcnow(), from_gradation=before, to_gradation=gradation,
                               reason=reason, author_id=actor.id, author_label=_author(actor)))
    direction = "relevée" if gradation > before else "abaissée"
    text = f"{Gradation(before).label} → {Gradation(gradation).label} ({direction}) : {reason}"
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.LEVEL_CHANGE, text=text)
    audit.record(actor=actor, action="crisis.level", object_type="crisis", object_id=crisis.id,
                 summary=f"Niveau de la crise « {crisis.title} » : {text}"[:500],
                 changes={"gradation": [before, gradation]})
    return crisis


@atomic()
def close_crisis(*, actor: User, crisis: Crisis, reason: str, notify_end: bool = True,
                 end_message: str | None = None) -> Crisis:
    """Close the crisis (time and reason) and end what it started: its running alerts stop at once (no relance, no
    answer taken) and, unless ``notify_end`` is false, their people get the end message. A closed crisis takes no
    further change."""
    errors: dict[str, list[str]] = {}
    reason = _reason(reason, errors)
    text = (end_message or "").strip() or alert_services.crisis_end_text(crisis.title)
    if notify_end and len(text) > 480:
        errors.setdefault("end_message", []).append("Le message de fin fait au plus 480 caractères.")
    _refuse(errors, "Clôture invalide : corrigez les champs signalés.")
    if not crisis.active:
        raise ServiceError("already_closed", f"Cette crise est déjà close (le {paris_datetime(crisis.closed_at)}).",
                           status=409)
    alert_services.end_alerts_of_crisis(actor=actor, crisis_id=crisis.id, text=text if notify_end else None)
    now = utcnow()
    crisis.closed_at, crisis.close_reason = now, reason
    db.session.add(LevelChange(crisis_id=crisis.id, at=now, from_gradation=crisis.gradation, to_gradation=None,
                               reason=reason, author_id=actor.id, author_label=_author(actor)))
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.LEVEL_CHANGE, text=f"Crise close : {reason}")
    audit.record(actor=actor, action="crisis.close", object_type="crisis", object_id=crisis.id,
                 summary=f"Crise close : {crisis.title} — {reason}"[:500],
                 changes={"closed_at": [None, now]})
    return crisis


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
        open_crises=lambda: [info(c) for c in open_crises()],
        get=lambda crisis_id: info(db.session.get(Crisis, crisis_id)),
        all_crises=lambda: [info(c) for c in db.session.scalars(
            sa.select(Crisis).order_by(Crisis.opened_at.desc()))])
