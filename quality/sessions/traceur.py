"""Patient traceur: the patient's agreement (date, how), a pseudonymous label only, the interview summary, the
animateur, and the pathway rebuilt as steps across ville, hôpital and médico-social with the gaps found.

No name is ever stored: the label must read like « Patient A » or « PT-2026-03 », and every text passes the
patient-data screen.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.labels import labels
from crisis_app.core.models import User
from quality import validation
from quality.sessions import vocab as words
from quality.sessions.models import PatientTraceur, QualitySession, TraceurStep
from quality.sessions.vocab import SessionKind, SessionStatus

OBJECT = "quality_session"
LABEL = re.compile(r"(?:patient|pt|parcours)[\s\-]?[a-z0-9][a-z0-9\-]{0,15}", re.IGNORECASE)
STEPS_MAX = 60


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


def _label(value: Any) -> str:
    label = validation.clean_text(value) or ""
    if not LABEL.fullmatch(label) or (label[-1:].isalpha() and len(label.split()[-1]) > 2 and
                                      not any(c.isdigit() for c in label)):
        raise _refuse("Étiquette pseudonyme attendue, par exemple « Patient A » ou « PT-2026-03 » : jamais un "
                      "nom.", "label")
    validation.refuse_patient_data({"label": label})
    return label


def _steps(value: Any) -> list[TraceurStep]:
    if not isinstance(value, list) or len(value) > STEPS_MAX:
        raise _refuse(f"Liste d'étapes attendue ({STEPS_MAX} au plus).", "steps")
    steps = []
    for position, row in enumerate(value):
        if not isinstance(row, dict) or row.get("setting") not in labels(words.TraceurSetting):
            raise _refuse("Chaque étape se situe en ville, à l'hôpital ou en médico-social.", "steps")
        if row.get("interface_with") not in (None, "", *labels(words.TraceurSetting)):
            raise _refuse("Interface inconnue.", "steps")
        texts = {k: validation.clean_text(row.get(k)) for k in ("when", "description", "procedure", "gap")}
        if not texts["description"]:
            raise _refuse("Décrivez chaque étape.", "steps")
        validation.refuse_patient_data({f"steps.{k}": v for k, v in texts.items()})
        steps.append(TraceurStep(position=position, setting=row["setting"], interface_with=row.get("interface_with")
                                 or None, when=(texts["when"] or "")[:60] or None,
                                 description=texts["description"][:validation.TEXT_MAX],
                                 procedure=(texts["procedure"] or "")[:300] or None,
                                 gap=(texts["gap"] or "")[:validation.TEXT_MAX] or None))
    return steps


@atomic()
def save(*, actor: User, session: QualitySession, data: dict[str, Any]) -> PatientTraceur:
    """Record (or update) the patient traceur of a patient-traceur session."""
    if session.kind is not SessionKind.TRACEUR:
        raise ServiceError("invalid_transition", "Cette séance n'est pas un patient traceur.", status=409)
    if session.status is SessionStatus.CANCELLED:
        raise ServiceError("invalid_transition", "Séance annulée.", status=409)
    label = _label(data.get("label"))
    agreed = data.get("agreement_on")
    if not isinstance(agreed, date) or agreed > utcnow().date():
        raise _refuse("Indiquez la date de l'accord du patient (pas dans le futur).", "agreement_on")
    if data.get("agreement_how") not in labels(words.AgreementHow):
        raise _refuse("Indiquez comment l'accord a été donné.", "agreement_how")
    summary = validation.clean_text(data.get("interview_summary"))
    validation.refuse_patient_data({"interview_summary": summary})
    animateur = data.get("animateur_user_id")
    if animateur is not None and not (isinstance(animateur, int) and db.session.get(User, animateur)):
        raise _refuse("Animateur introuvable.", "animateur_user_id")
    steps = _steps(data["steps"]) if "steps" in data else None
    traceur = session.traceur or PatientTraceur(session_id=session.id)
    traceur.label, traceur.agreement_on, traceur.agreement_how = label, agreed, data["agreement_how"]
    traceur.interview_summary = summary
    traceur.animateur_user_id = animateur or traceur.animateur_user_id or actor.id
    if steps is not None:
        traceur.steps = steps
    session.traceur = traceur
    db.session.flush()
    audit.record(actor=actor, action="quality.traceur.save", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} : patient traceur « {label} » enregistré "
                         f"({pluriel(len(traceur.steps), 'étape', 'étapes')}, "
                         f"{pluriel(sum(1 for s in traceur.steps if s.gap), 'écart', 'écarts')})")
    return traceur


@atomic()
def patient_feedback(*, actor: User, traceur: PatientTraceur, text: str) -> PatientTraceur:
    """The feedback written for the patient (handed over by the animateur: the patient's address is never kept)."""
    cleaned = validation.clean_text(text)
    if not cleaned:
        raise _refuse("Écrivez le retour au patient.", "patient_feedback")
    validation.refuse_patient_data({"patient_feedback": cleaned})
    traceur.patient_feedback = cleaned[:validation.TEXT_MAX]
    audit.record(actor=actor, action="quality.traceur.feedback", object_type=OBJECT, object_id=traceur.session_id,
                 summary="Patient traceur : retour au patient rédigé")
    return traceur
