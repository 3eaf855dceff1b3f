"""PACTE: start a two-year programme (its steps dated from the start), tie a step to the survey or the session
that carried it out, mark it done, record a maturity self-assessment per period; and the programme's figures.

Every change joins the caller's unit of work with its audit row.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.timez import to_paris
from quality import validation
from quality.analyses.models import Analysis
from quality.pacte.models import AXES, MaturityAssessment, PacteProgramme, PacteStep, StepKind
from quality.sessions.calendar import PARIS
from quality.sessions.discussion import participants_between
from quality.sessions.models import QualitySession
from quality.sessions.vocab import SessionKind
from quality.surveys import services as surveys
from quality.surveys.models import Survey
from quality.surveys.vocab import SurveyKind

OBJECT = "quality_pacte"
# The steps of the two years, in months from the start (the HAS guide's order: measure, train, analyse, assess).
PLAN = ((StepKind.SURVEY, "Première mesure de la culture de sécurité", 1),
        (StepKind.MATURITY, "Auto-évaluation de la maturité — début", 2),
        (StepKind.CRM, "Formation de toute l'équipe au travail en équipe (CRM)", 4),
        (StepKind.ANALYSIS, "Analyse en équipe d'EIAS et d'EIGS (premier bilan)", 12),
        (StepKind.MATURITY, "Auto-évaluation de la maturité — mi-parcours", 12),
        (StepKind.CRM, "Séance de rappel CRM", 16),
        (StepKind.SURVEY, "Seconde mesure de la culture de sécurité", 22),
        (StepKind.MATURITY, "Auto-évaluation de la maturité — fin", 23),
        (StepKind.REVIEW, "Bilan du programme", 24))


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


@atomic()
def start(*, actor: User, title: Any, starts_on: Any) -> PacteProgramme:
    """A two-year programme and its dated steps."""
    text = validation.clean_text(title)
    if not text or len(text) > 200:
        raise _refuse("Donnez un titre (200 caractères au plus).", "title")
    if not isinstance(starts_on, date):
        raise _refuse("Indiquez la date de début.", "starts_on")
    programme = PacteProgramme(title=text, starts_on=starts_on, ends_on=starts_on + relativedelta(years=2))
    programme.steps = [PacteStep(kind=kind, label=label, due_on=starts_on + relativedelta(months=months))
                       for kind, label, months in PLAN]
    db.session.add(programme)
    db.session.flush()
    audit.record(actor=actor, action="quality.pacte.start", object_type=OBJECT, object_id=programme.id,
                 summary=f"PACTE « {text[:120]} » du {starts_on:%d/%m/%Y} au {programme.ends_on:%d/%m/%Y}")
    return programme


@atomic()
def complete_step(*, actor: User, step: PacteStep, done_on: Any, survey_id: Any = None,
                  session_id: Any = None) -> PacteStep:
    """Mark a step done on a day, tied to the safety-culture survey or the session that carried it out."""
    if not isinstance(done_on, date) or done_on > to_paris(utcnow()).date():
        raise _refuse("Indiquez le jour où l'étape a été faite (pas dans le futur).", "done_on")
    if survey_id is not None:
        survey = db.session.get(Survey, survey_id) if isinstance(survey_id, int) else None
        if survey is None or survey.kind is not SurveyKind.SAFETY_CULTURE:
            raise _refuse("Questionnaire de culture de sécurité introuvable.", "survey_id")
    if session_id is not None:
        session = db.session.get(QualitySession, session_id) if isinstance(session_id, int) else None
        if session is None:
            raise _refuse("Séance introuvable.", "session_id")
    step.done_on, step.survey_id, step.session_id = done_on, survey_id, session_id
    audit.record(actor=actor, action="quality.pacte.step", object_type=OBJECT, object_id=step.programme_id,
                 summary=f"PACTE : « {step.label} » faite le {done_on:%d/%m/%Y}")
    return step


@atomic()
def assess(*, actor: User, programme: PacteProgramme, period: Any, assessed_on: Any,
           scores: Any) -> MaturityAssessment:
    """The team's maturity for one period on the four axes, each from 1 to 5; one per period."""
    label = validation.clean_text(period)
    if not label or len(label) > 60:
        raise _refuse("Nommez la période (60 caractères au plus).", "period")
    if not isinstance(assessed_on, date):
        raise _refuse("Indiquez la date de l'auto-évaluation.", "assessed_on")
    values = {}
    for axis, name in AXES:
        value = scores.get(axis) if isinstance(scores, dict) else None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise _refuse(f"Axe {name.lower()} : une note de 1 à 5.", axis)
        values[axis] = value
    if any(a.period == label for a in programme.assessments):
        raise _refuse("Cette période est déjà évaluée.", "period")
    row = MaturityAssessment(programme_id=programme.id, period=label, assessed_on=assessed_on, **values)
    db.session.add(row)
    db.session.flush()
    db.session.expire(programme, ["assessments"])
    audit.record(actor=actor, action="quality.pacte.maturity", object_type=OBJECT, object_id=programme.id,
                 summary=f"PACTE : maturité « {label} » — " + ", ".join(f"{n.lower()} {values[a]}" for a, n in AXES))
    return row


def current() -> PacteProgramme | None:
    return db.session.scalar(sa.select(PacteProgramme).order_by(PacteProgramme.starts_on.desc(),
                                                                 PacteProgramme.id.desc()).limit(1))


def _bounds(programme: PacteProgramme) -> tuple[datetime, datetime]:
    return (datetime.combine(programme.starts_on, time(), PARIS), datetime.combine(programme.ends_on, time(), PARIS))


def programme_figures(programme: PacteProgramme | None = None) -> dict | None:
    """The figures of a programme (the latest one by default) for the indicators page: steps done on time, the
    professionals trained in CRM, the events analysed in its period, the last safety-culture result, the last
    maturity scores. None when there is no programme."""
    programme = programme or current()
    if programme is None:
        return None
    start, end = _bounds(programme)
    today = to_paris(utcnow()).date()
    trained = sum(participants_between(start, end, [SessionKind.CRM_TRAINING]).values())
    analysed = db.session.scalar(sa.select(sa.func.count()).select_from(Analysis).where(
        Analysis.created_at >= start, Analysis.created_at < end)) or 0
    survey_ids = [s.survey_id for s in programme.steps if s.survey_id]
    last_survey = db.session.get(Survey, survey_ids[-1]) if survey_ids else None
    last = programme.assessments[-1] if programme.assessments else None
    return {"programme_id": programme.id, "title": programme.title, "starts_on": programme.starts_on,
            "ends_on": programme.ends_on, "steps": len(programme.steps),
            "steps_done": sum(1 for s in programme.steps if s.done_on),
            "steps_late": sum(1 for s in programme.steps if not s.done_on and s.due_on < today),
            "crm_trained": trained, "events_analysed": analysed,
            "safety_culture": surveys.results(last_survey) if last_survey else None,
            "maturity": last.scores() if last else None, "maturity_period": last.period if last else None}
