"""A personal link answers once even when the same form is sent from several tabs at once (PostgreSQL, real
concurrent transactions, committed data): one answer is stored, the others get 409 and store nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.surveys import questionnaire
from quality.surveys import services as surveys
from quality.surveys.models import Survey, SurveyAnswer, SurveyInvitation
from tests import factories
from tests.concurrency import THREADS, race


@pytest.mark.postgres
def test_tabs_racing_on_one_personal_link_store_one_answer(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    with app.app_context():
        referent = factories.user(role=Role.QUALITY_REFERENT)
        survey = surveys.create(actor=referent, kind="safety_culture", title="Course",
                                dimensions=questionnaire.DEMO_SAFETY["dimensions"])
        surveys.invite(actor=referent, survey=survey, user_ids=[referent.id])
        invitation = db.session.scalar(sa.select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id))
        ids = {"user": referent.id, "survey": survey.id, "invitation": invitation.id,
               "values": {q.id: 4 for q in survey.questions}}

    def answer() -> bool:
        try:
            surveys.answer_invitation(invitation=db.session.get(SurveyInvitation, ids["invitation"]),
                                      values=ids["values"])
        except ServiceError as exc:
            assert exc.status == 409
            return False
        return True

    try:
        results = race(app, answer)
        with app.app_context():
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)
                                       .where(SurveyAnswer.survey_id == ids["survey"]))
            responses = db.session.get(Survey, ids["survey"]).responses
        assert len(results) == THREADS and results.count(True) == 1
        assert stored == len(ids["values"]) and responses == 1
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Message).where(Message.about_type == "quality_survey",
                                                        Message.about_id == ids["survey"]))
            db.session.execute(sa.delete(AuditEvent).where(sa.or_(
                sa.and_(AuditEvent.object_type == "quality_survey", AuditEvent.object_id == str(ids["survey"])),
                sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(ids["user"])))))
            db.session.execute(sa.delete(Survey).where(Survey.id == ids["survey"]))
            db.session.execute(sa.delete(User).where(User.id == ids["user"]))
            db.session.commit()
