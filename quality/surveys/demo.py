"""Demo surveys: last year's safety-culture round (closed, answered), this year's (sent to the team, some answered),
and a patient-satisfaction questionnaire with one public link per cabinet; the questionnaires are the short ones
written for the demo. Everything through the services."""

from __future__ import annotations

import random

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from crisis_app.directory.professionals.models import Professional
from quality.surveys import questionnaire
from quality.surveys import services as surveys
from quality.surveys.models import Survey, SurveyInvitation


def _answers(rng: random.Random, survey: Survey, lean: int) -> dict[int, int]:
    return {q.id: max(1, min(5, (6 - lean if q.negative else lean) + rng.choice((-1, 0, 0, 1))))
            for q in survey.questions}


@demo_seeder(order=77)
def seed(rng: random.Random) -> list[str]:
    if db.session.scalar(sa.select(Survey.id).limit(1)) is not None:
        return ["Questionnaires : déjà présents, rien d'ajouté"]
    referent = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[Role.QUALITY_REFERENT]))
    if referent is None:
        return ["Questionnaires : pas de référent qualité de démonstration"]
    people = [p.id for p in db.session.scalars(sa.select(Professional).where(Professional.active.is_(True))
                                               .order_by(Professional.id).limit(8))]
    last = surveys.create(actor=referent, kind="safety_culture", title="Culture de sécurité — l'an dernier",
                          note=questionnaire.DEMO_SAFETY["note"], dimensions=questionnaire.DEMO_SAFETY["dimensions"])
    current = surveys.create(actor=referent, kind="safety_culture", title=questionnaire.DEMO_SAFETY["title"],
                             note=questionnaire.DEMO_SAFETY["note"], dimensions=questionnaire.DEMO_SAFETY["dimensions"])
    for survey, answering, lean in ((last, 6, 3), (current, 5, 4)):
        surveys.invite(actor=referent, survey=survey, professional_ids=people)
        invitations = db.session.scalars(sa.select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id)
                                         .order_by(SurveyInvitation.id)).all()
        for invitation in invitations[:answering]:
            surveys.answer_invitation(invitation=invitation, values=_answers(rng, survey, lean))
    surveys.close(actor=referent, survey=last)
    satisfaction = surveys.create(actor=referent, kind="satisfaction", title=questionnaire.DEMO_SATISFACTION["title"],
                                  note=questionnaire.DEMO_SATISFACTION["note"],
                                  dimensions=questionnaire.DEMO_SATISFACTION["dimensions"])
    surveys.open_survey(actor=referent, survey=satisfaction)
    point = surveys.add_point(actor=referent, survey=satisfaction, label="Maison de santé du centre-ville")
    surveys.add_point(actor=referent, survey=satisfaction, label="Parcours insuffisance cardiaque")
    for _ in range(7):
        surveys.answer_point(point=point, values=_answers(rng, satisfaction, 4))
    return ["Questionnaires : culture de sécurité (deux tours comparés), satisfaction des patients (deux liens "
            "publics)"]
