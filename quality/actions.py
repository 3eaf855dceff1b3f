"""Corrective actions: create, move along planifiée → en cours → réalisée → efficacité vérifiée | non efficace,
attach evidence; the rule that an event closes only once each of its actions is verified.

Every change commits with its audit row; an invalid move answers 409 and changes nothing. Crises attach the
actions of their RETEX through ``create(source_type="crisis_retex", source_id=crisis_id, …)``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.models import Professional
from quality import validation
from quality.models_actions import Analysis, CorrectiveAction
from quality.register import eventflow
from quality.register.models import AdverseEvent
from quality.register.vocab import State
from quality.sessions.models import PatientTraceur
from quality.vocab_sessions import ACTION_TRANSITIONS, ACTION_TYPES, SOURCE_TYPES, ActionStatus

OBJECT = "quality_action"
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain"}


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


def _source(source_type: Any, source_id: Any) -> int | None:
    """The event the source belongs to (None for a RETEX or a patient traceur); 422 if it does not exist."""
    if source_type not in SOURCE_TYPES:
        raise _refuse("Indiquez ce que l'action suit (événement, analyse, patient traceur, RETEX).", "source_type")
    if isinstance(source_id, bool) or not isinstance(source_id, int) or not 0 < source_id < 2**31:
        raise _refuse("Identifiant de la source invalide.", "source_id")
    model = {"adverse_event": AdverseEvent, "analysis": Analysis, "patient_traceur": PatientTraceur}.get(source_type)
    if model is None:
        return None
    row = db.session.get(model, source_id)
    if row is None:
        raise _refuse("Source introuvable.", "source_id")
    return row.id if model is AdverseEvent else getattr(row, "event_id", None)


def _owner(data: dict[str, Any]) -> tuple[int | None, int | None]:
    pro_id, user_id = data.get("owner_professional_id"), data.get("owner_user_id")
    if pro_id is not None:
        person = db.session.get(Professional, pro_id) if isinstance(pro_id, int) else None
        if person is None or not person.active:
            raise _refuse("Responsable introuvable dans l'annuaire.", "owner_professional_id")
        return person.id, None
    user = db.session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if user is None or not user.active:
        raise _refuse("Choisissez le responsable de l'action (annuaire ou compte).", "owner_user_id")
    return None, user.id


def _texts(data: dict[str, Any]) -> dict[str, str | None]:
    title = validation.clean_text(data.get("title"))
    if not title or len(title) > 300:
        raise _refuse("Donnez un intitulé (300 caractères au plus).", "title")
    description = validation.clean_text(data.get("description"))
    if description and len(description) > validation.TEXT_MAX:
        raise _refuse(f"Au plus {validation.TEXT_MAX} caractères.", "description")
    validation.refuse_patient_data({"title": title, "description": description})
    return {"title": title, "description": description}


def create(*, actor: User, data: dict[str, Any], commit: bool = True) -> CorrectiveAction:
    """Record an action (title, type, owner, due date, what it follows)."""
    values = _texts(data)
    if data.get("action_type") not in ACTION_TYPES:
        raise _refuse("Choisissez le type : immédiate, corrective, préventive ou amélioration.", "action_type")
    due_on = data.get("due_on")
    if not isinstance(due_on, date):
        raise _refuse("Indiquez l'échéance.", "due_on")
    event_id = _source(data.get("source_type"), data.get("source_id"))
    pro_id, user_id = _owner(data)
    action = CorrectiveAction(**values, action_type=data["action_type"], source_type=data["source_type"],
                              source_id=data["source_id"], event_id=event_id, owner_professional_id=pro_id,
                              owner_user_id=user_id, due_on=due_on, status=ActionStatus.PLANNED)
    db.session.add(action)
    db.session.flush()
    audit.record(actor=actor, action="quality.action.create", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} « {action.title[:120]} » ({action.type_label}) pour le "
                         f"{due_on:%d/%m/%Y} — suit {action.source_label}")
    if commit:
        db.session.commit()
    return action


def next_statuses(action: CorrectiveAction) -> list[ActionStatus]:
    allowed = ACTION_TRANSITIONS[action.status]
    return [s for s in ActionStatus if s in allowed]


def transition(*, actor: User, action: CorrectiveAction, to: str, evidence_note: str | None = None,
               on: date | None = None) -> CorrectiveAction:
    """Move the action; réalisée and the verification need an evidence note (or a file already attached)."""
    try:
        target = ActionStatus(to)
    except ValueError:
        raise _refuse("Statut inconnu.", "to") from None
    source = action.status
    if target not in ACTION_TRANSITIONS[source]:
        allowed = ", ".join(s.label for s in next_statuses(action)) or "aucun"
        raise ServiceError("invalid_transition", f"L'action n° {action.id} est « {source.label} » et ne peut pas "
                           f"passer à « {target.label} ». Possible : {allowed}.", field="to", status=409)
    note = validation.clean_text(evidence_note)
    if note:
        validation.refuse_patient_data({"evidence_note": note})
    if target in (ActionStatus.DONE, ActionStatus.VERIFIED, ActionStatus.INEFFECTIVE) and not (
            note or action.evidence_note or action.evidence_filename):
        raise _refuse("Joignez une preuve : une note ou un fichier.", "evidence_note")
    today = on or utcnow().date()
    values: dict[str, Any] = {"status": target, "updated_at": utcnow()}
    if note:
        values["evidence_note"] = note[:validation.TEXT_MAX]
    if target is ActionStatus.DONE:
        values["done_on"] = today
    if target in (ActionStatus.VERIFIED, ActionStatus.INEFFECTIVE):
        values["verified_on"] = today
    result = db.session.execute(sa.update(CorrectiveAction).where(
        CorrectiveAction.id == action.id, CorrectiveAction.status == source).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ServiceError("conflict", "L'action vient d'être modifiée : rechargez la page.", status=409)
    db.session.expire(action)
    audit.record(actor=actor, action="quality.action.transition", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} : {source.label} → {target.label}",
                 changes={"status": [source.value, target.value]})
    if action.event_id:
        _follow_event(db.session.get(AdverseEvent, action.event_id), actor)
    db.session.commit()
    return action


def attach_evidence(*, actor: User, action: CorrectiveAction, filename: str, media_type: str,
                    content: bytes) -> CorrectiveAction:
    """Keep a file as the action's evidence (PDF, image or text, 5 Mo at most)."""
    if media_type not in EVIDENCE_TYPES:
        raise _refuse("Formats acceptés : PDF, PNG, JPEG ou texte.", "evidence_file")
    if not content or len(content) > EVIDENCE_MAX_BYTES:
        raise _refuse("Fichier vide ou de plus de 5 Mo.", "evidence_file")
    name = (validation.clean_text(filename) or "preuve")[:200]
    action.evidence_filename, action.evidence_media_type, action.evidence_file = name, media_type, content
    action.updated_at = utcnow()
    audit.record(actor=actor, action="quality.action.evidence", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} : preuve jointe ({name}, {len(content)} octets)")
    db.session.commit()
    return action


def for_event(event_id: int) -> list[CorrectiveAction]:
    return list(db.session.scalars(sa.select(CorrectiveAction).where(CorrectiveAction.event_id == event_id)
                                   .order_by(CorrectiveAction.due_on, CorrectiveAction.id)))


def _follow_event(event: AdverseEvent, actor: User) -> None:
    """Once its plan is validated, an event follows its actions: en cours, réalisées, efficacité vérifiée."""
    if event.state not in (State.PLAN_VALIDE, State.ACTIONS_EN_COURS, State.ACTIONS_REALISEES):
        return
    statuses = {a.status for a in for_event(event.id)}
    if not statuses:
        return
    if statuses == {ActionStatus.VERIFIED}:
        eventflow.advance(event, State.EFFICACITE_VERIFIEE, actor=actor)
    elif statuses <= {ActionStatus.DONE, ActionStatus.VERIFIED}:
        eventflow.advance(event, State.ACTIONS_REALISEES, actor=actor)
    else:
        eventflow.advance(event, State.ACTIONS_EN_COURS, actor=actor)


def refuse_unverified(event: AdverseEvent) -> None:
    """The closure rule: an event closes only when each of its actions' effect is verified (409 otherwise)."""
    pending = [a for a in for_event(event.id) if a.status is not ActionStatus.VERIFIED]
    if pending:
        listed = ", ".join(f"n° {a.id} « {a.title[:60]} » ({a.status.label})" for a in pending[:5])
        raise ServiceError("actions_not_verified", f"{event.reference} ne peut pas être clôturé : l'efficacité de "
                           f"{len(pending)} action(s) n'est pas vérifiée — {listed}.", field="to", status=409)
