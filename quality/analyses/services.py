"""Analyses: the pilot saves ORION steps or the ALARM grid as they go; presented, then validated by a session.

Status: brouillon → présentée → validée. Each save is audited; every free text passes the patient-data screen.
Validating the analysis validates the event's action plan (part 1's "présenté → plan d'actions validé").
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort

from crisis_app.core import audit
from crisis_app.core.access import require
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.labels import labels
from crisis_app.core.models import User
from quality import validation
from quality.analyses import vocab as words
from quality.analyses.models import Analysis
from quality.analyses.vocab import AnalysisStatus
from quality.register import eventflow
from quality.register.models import AdverseEvent
from quality.register.vocab import State
from quality.sessions.models import QualitySession
from quality.sessions.vocab import SessionStatus

OBJECT = "quality_analysis"
BARRIERS_MAX = 30


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


def _text_map(value: Any, allowed: dict, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or any(k not in allowed for k in value):
        raise _refuse(f"Rubriques attendues : {', '.join(allowed.values())}.", field)
    cleaned = {k: validation.clean_text(v) for k, v in value.items()}
    if any(v and len(v) > validation.TEXT_MAX for v in cleaned.values()):
        raise _refuse(f"Au plus {validation.TEXT_MAX} caractères par rubrique.", field)
    validation.refuse_patient_data({f"{field}.{k}": v for k, v in cleaned.items()})
    return {k: v for k, v in cleaned.items() if v}


def _barriers(value: Any) -> list[dict]:
    if not isinstance(value, list) or len(value) > BARRIERS_MAX:
        raise _refuse(f"Liste de barrières attendue ({BARRIERS_MAX} au plus).", "barriers")
    rows = []
    for row in value:
        if (not isinstance(row, dict) or row.get("kind") not in labels(words.BarrierKind)
                or row.get("outcome") not in labels(words.BarrierOutcome)):
            raise _refuse("Chaque barrière : prévention, récupération ou atténuation ; efficace, défaillante ou "
                          "absente.", "barriers")
        text = validation.clean_text(row.get("text")) or ""
        validation.refuse_patient_data({"barriers": text})
        rows.append({"kind": row["kind"], "outcome": row["outcome"], "text": text[:1000]})
    return rows


def _values(analysis: Analysis | None, data: dict[str, Any]) -> dict[str, Any]:
    method = data.get("method", analysis.method if analysis else "orion")
    if method not in labels(words.AnalysisMethod):
        raise _refuse("Méthode : ORION ou ALARM.", "method")
    values: dict[str, Any] = {"method": method}
    if "steps" in data:
        values["steps"] = {**(analysis.steps if analysis else {}), **_text_map(data["steps"], labels(words.OrionStep),
                                                                               "steps")}
    families = labels(words.OrionFactorFamily) if method == "orion" else labels(words.AlarmFactor)
    if "factors" in data:
        values["factors"] = {**(analysis.factors if analysis else {}), **_text_map(data["factors"], {
            **labels(words.OrionFactorFamily), **labels(words.AlarmFactor)}, "factors")}
        values["factors"] = {k: v for k, v in values["factors"].items() if k in families}
    if "barriers" in data:
        values["barriers"] = _barriers(data["barriers"])
    if "lessons" in data:
        values["lessons"] = _text_map({"lessons": data["lessons"]}, {"lessons": ""}, "lessons").get("lessons")
    return values


def _event(event_id: Any) -> AdverseEvent:
    event = db.session.get(AdverseEvent, event_id) if isinstance(event_id, int) and 0 < event_id < 2**31 else None
    if event is None:
        raise _refuse("Événement introuvable.", "event_id")
    return event


@atomic()
def save(*, actor: User, data: dict[str, Any], analysis: Analysis | None = None) -> Analysis:
    """Create an analysis for an event, or save what the pilot wrote since (only the sections given)."""
    if analysis is not None and analysis.status is AnalysisStatus.VALIDATED:
        raise ServiceError("invalid_transition", "Analyse déjà validée en séance : elle ne se modifie plus.",
                           status=409)
    values = _values(analysis, data)
    if analysis is None:
        event = _event(data.get("event_id"))
        if db.session.scalar(sa.select(Analysis.id).where(Analysis.event_id == event.id)):
            raise ServiceError("conflict", f"{event.reference} a déjà une analyse : complétez-la.", status=409)
        pilot_id = data.get("pilot_user_id") or actor.id
        known = isinstance(pilot_id, int) and 0 < pilot_id <= 2**31 - 1 and db.session.get(User, pilot_id)
        if not known:  # an unknown account is a refusal, not a foreign-key error
            raise ServiceError("validation_error", "Pilote inconnu : choisissez un compte existant.",
                               fields={"pilot_user_id": ["Compte inconnu."]}, status=422)
        analysis = Analysis(event_id=event.id, pilot_user_id=pilot_id, **values)
        db.session.add(analysis)
        action = "quality.analysis.create"
    else:
        for key, value in values.items():
            setattr(analysis, key, value)
        action = "quality.analysis.save"
    analysis.updated_at = utcnow()
    db.session.flush()
    audit.record(actor=actor, action=action, object_type=OBJECT, object_id=analysis.id,
                 summary=f"Analyse {analysis.method_label} n° {analysis.id} enregistrée "
                         f"({', '.join(sorted(k for k in values if k != 'method')) or 'création'})")
    return analysis


@atomic()
def present(*, actor: User, analysis: Analysis) -> Analysis:
    """The pilot presents the analysis to the session (brouillon → présentée)."""
    if analysis.status is not AnalysisStatus.DRAFT:
        raise ServiceError("invalid_transition", f"Analyse « {analysis.status.label} » : déjà présentée.",
                           status=409)
    analysis.status, analysis.updated_at = AnalysisStatus.PRESENTED, utcnow()
    audit.record(actor=actor, action="quality.analysis.present", object_type=OBJECT, object_id=analysis.id,
                 summary=f"Analyse n° {analysis.id} présentée", changes={"status": ["brouillon", "presentee"]})
    if analysis.event_id:
        eventflow.advance(db.session.get(AdverseEvent, analysis.event_id), State.PRESENTE, actor=actor)
    return analysis


@atomic()
def validate(*, actor: User, analysis: Analysis, session: QualitySession) -> Analysis:
    """The session validates the analysis and its action plan (présentée → validée)."""
    if analysis.status is not AnalysisStatus.PRESENTED:
        raise ServiceError("invalid_transition", "Seule une analyse présentée peut être validée.", status=409)
    if session.status is SessionStatus.CANCELLED:
        raise ServiceError("invalid_transition", "Séance annulée : elle ne valide rien.", status=409)
    analysis.status, analysis.validated_session_id = AnalysisStatus.VALIDATED, session.id
    analysis.validated_at = analysis.updated_at = utcnow()
    audit.record(actor=actor, action="quality.analysis.validate", object_type=OBJECT, object_id=analysis.id,
                 summary=f"Analyse n° {analysis.id} validée en séance ({session.reference})",
                 changes={"status": ["presentee", "validee"]})
    if analysis.event_id:
        eventflow.advance(db.session.get(AdverseEvent, analysis.event_id), State.PLAN_VALIDE, actor=actor,
                          reason=f"Plan d'actions validé en séance ({session.reference})")
    return analysis


def get_analysis(analysis_id: int) -> Analysis:
    require("quality.manage")
    row = db.session.get(Analysis, analysis_id) if 0 < analysis_id < 2**31 else None
    return row if row is not None else abort(404)
