"""Demo PACTE: a programme started last year, its first survey step tied to last year's safety-culture survey, two
maturity self-assessments. Through the services."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from quality.pacte import services as pacte
from quality.pacte.models import PacteProgramme, StepKind
from quality.surveys.models import Survey
from quality.surveys.vocab import SurveyKind


@demo_seeder(order=78)
def seed(rng: random.Random) -> list[str]:
    if db.session.scalar(sa.select(PacteProgramme.id).limit(1)) is not None:
        return ["PACTE : déjà présent, rien d'ajouté"]
    referent = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[Role.QUALITY_REFERENT]))
    if referent is None:
        return ["PACTE : pas de référent qualité de démonstration"]
    today = utcnow().date()
    programme = pacte.start(actor=referent, title="PACTE de la CPTS", starts_on=today - timedelta(days=400))
    first = db.session.scalar(sa.select(Survey).where(Survey.kind == SurveyKind.SAFETY_CULTURE).order_by(Survey.id))
    step = next(s for s in programme.steps if s.kind is StepKind.SURVEY)
    pacte.complete_step(actor=referent, step=step, done_on=today - timedelta(days=360),
                        survey_id=first.id if first else None)
    pacte.assess(actor=referent, programme=programme, period="Début", assessed_on=today - timedelta(days=340),
                 scores={"strategique": 2, "structurel": 2, "technique": 1, "culturel": 2})
    pacte.assess(actor=referent, programme=programme, period="Mi-parcours", assessed_on=today - timedelta(days=30),
                 scores={"strategique": 3, "structurel": 4, "technique": 3, "culturel": 3})
    return ["PACTE : un programme en cours, deux auto-évaluations de maturité"]
