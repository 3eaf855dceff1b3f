"""Quality's side of the action plan (crisis_app.actionplan): the sources quality knows (an EIAS, its analysis, a
CREX/RMM session, a patient traceur, an indicator review), the patient-data screen on every text, and how an
event follows its actions (en cours, réalisées, efficacité vérifiée) up to the closure rule.

The actions themselves, their moves, evidence and reminders live in the action plan; these functions join the
caller's unit of work (no commit).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from crisis_app.actionplan import services as plan
from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.services import EVIDENCE_MAX_BYTES, EVIDENCE_TYPES, Owner, Source, next_statuses
from crisis_app.actionplan.vocab import ActionStatus, ActionType, SourceKind
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from quality import validation
from quality.analyses.models import Analysis
from quality.indicators.models import QualityIndicator
from quality.register import eventflow
from quality.register.models import AdverseEvent
from quality.register.reference import reference as event_reference
from quality.register.vocab import State
from quality.sessions.models import PatientTraceur, QualitySession

__all__ = ["EVIDENCE_MAX_BYTES", "EVIDENCE_TYPES", "attach_evidence", "create", "for_event", "next_statuses",
           "refuse_unverified", "transition"]

# The evidence form says "5 Mo au plus": the request may carry the file and the form around it.
EVIDENCE_UPLOAD_MAX_BYTES = EVIDENCE_MAX_BYTES + 64 * 1024


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


def _source(source_type: Any, source_id: Any) -> Source:
    """What the action follows, with its title and the event it belongs to; 422 if it does not exist."""
    if source_type == SourceKind.RETEX:
        raise _refuse("Les actions d'un RETEX se décident sur la page du retour d'expérience de la crise.",
                      "source_type")
    try:
        kind = SourceKind(source_type)
    except ValueError:
        raise _refuse("Indiquez ce que l'action suit (événement, analyse, séance, patient traceur, indicateur).",
                      "source_type") from None
    if isinstance(source_id, bool) or not isinstance(source_id, int) or not 0 < source_id < 2**31:
        raise _refuse("Identifiant de la source invalide.", "source_id")
    model = {SourceKind.ADVERSE_EVENT: AdverseEvent, SourceKind.ANALYSIS: Analysis,
             SourceKind.SESSION: QualitySession, SourceKind.PATIENT_TRACEUR: PatientTraceur,
             SourceKind.INDICATOR: QualityIndicator}[kind]
    row = db.session.get(model, source_id)
    if row is None:
        raise _refuse("Source introuvable.", "source_id")
    if isinstance(row, AdverseEvent):
        return Source(kind, row.id, f"{kind.label} {row.reference}", row.id)
    if isinstance(row, Analysis) and row.event_id:
        return Source(kind, row.id, f"Analyse n° {row.id} — {event_reference(row.event_id)}", row.event_id)
    if isinstance(row, QualitySession):
        return Source(kind, row.id, f"{row.kind.label} « {row.title[:120]} »")
    if isinstance(row, QualityIndicator):
        return Source(kind, row.id, f"Revue d'indicateur « {row.name[:120]} »")
    return Source(kind, row.id)


def _texts(data: dict[str, Any]) -> dict[str, str | None]:
    title = validation.clean_text(data.get("title"))
    if not title or len(title) > 300:
        raise _refuse("Donnez un intitulé (300 caractères au plus).", "title")
    description = validation.clean_text(data.get("description"))
    if description and len(description) > validation.TEXT_MAX:
        raise _refuse(f"Au plus {validation.TEXT_MAX} caractères.", "description")
    validation.refuse_patient_data({"title": title, "description": description})
    return {"title": title, "description": description}


def create(*, actor: User, data: dict[str, Any]) -> CorrectiveAction:
    """Record an action (title, type, owner, due date, what it follows) in the action plan."""
    texts = _texts(data)
    if data.get("action_type") not in {t.value for t in ActionType}:
        raise _refuse("Choisissez le type : immédiate, corrective, préventive ou amélioration.", "action_type")
    if not isinstance(data.get("due_on"), date):
        raise _refuse("Indiquez l'échéance.", "due_on")
    source = _source(data.get("source_type"), data.get("source_id"))
    owner = Owner(professional_id=data.get("owner_professional_id"), user_id=data.get("owner_user_id"))
    return plan.create(actor=actor, **texts, action_type=data["action_type"], source=source, owner=owner,
                       due_on=data["due_on"])


def transition(*, actor: User, action: CorrectiveAction, to: str, evidence_note: str | None = None,
               on: date | None = None) -> CorrectiveAction:
    """Move the action (its evidence note screened); the event it belongs to follows."""
    note = validation.clean_text(evidence_note)
    if note:
        validation.refuse_patient_data({"evidence_note": note})
    plan.transition(actor=actor, action=action, to=to, evidence_note=note, on=on)
    if action.event_id:
        _follow_event(db.session.get(AdverseEvent, action.event_id), actor)
    return action


def attach_evidence(*, actor: User, action: CorrectiveAction, filename: str, media_type: str,
                    content: bytes) -> CorrectiveAction:
    """Keep a file as the action's evidence (PDF, image or text, 5 Mo at most); a text file and the file's name are
    screened like every free text."""
    name = validation.clean_text(filename) or "preuve"
    texts = {"evidence_file": name}
    if media_type == "text/plain" and content:
        texts["evidence_file_text"] = content[:plan.EVIDENCE_MAX_BYTES].decode("utf-8", errors="replace")
    validation.refuse_patient_data(texts)
    return plan.attach_evidence(actor=actor, action=action, filename=validation.clean_text(filename) or "preuve",
                                media_type=media_type, content=content)


def for_event(event_id: int) -> list[CorrectiveAction]:
    return plan.actions_of_event(event_id)


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
    plan.refuse_open_actions(SourceKind.ADVERSE_EVENT, event.id, what=event.reference)
