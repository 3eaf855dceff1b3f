"""Surveys, their dimensions and questions (data, not code), the invitations of a safety-culture survey, the
public links of a satisfaction questionnaire, and the answers.

No row ties a person to an answer: an invitation only says "has answered"; answers and comments carry no key to an
invitation, a link's visitor or an account, only the day, and a random id so their order says nothing either.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import db, str_enum, utcnow
from quality.surveys.vocab import SurveyKind, SurveyStatus


def random_id() -> str:
    return secrets.token_hex(16)


class Survey(db.Model):
    """One questionnaire sent or offered once (a safety-culture round, a satisfaction campaign)."""

    __tablename__ = "quality_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SurveyKind] = mapped_column(str_enum(SurveyKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)  # where the questionnaire comes from
    status: Mapped[SurveyStatus] = mapped_column(str_enum(SurveyStatus), default=SurveyStatus.DRAFT)
    responses: Mapped[int] = mapped_column(default=0)  # a counter: how many answered, never who
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dimensions: Mapped[list[SurveyDimension]] = relationship(back_populates="survey", cascade="all, delete-orphan",
                                                             order_by="SurveyDimension.position")
    points: Mapped[list[SurveyPoint]] = relationship(back_populates="survey", cascade="all, delete-orphan",
                                                     order_by="SurveyPoint.id")

    __table_args__ = (sa.CheckConstraint("responses >= 0", name="responses_positive"),)

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def questions(self) -> list[SurveyQuestion]:
        return [q for d in self.dimensions for q in d.questions]


class SurveyDimension(db.Model):
    __tablename__ = "quality_survey_dimension"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(200))

    survey: Mapped[Survey] = relationship(back_populates="dimensions")
    questions: Mapped[list[SurveyQuestion]] = relationship(back_populates="dimension", cascade="all, delete-orphan",
                                                           order_by="SurveyQuestion.position")


class SurveyQuestion(db.Model):
    __tablename__ = "quality_survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_survey_dimension.id", ondelete="CASCADE"),
                                              index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.String(500))
    negative: Mapped[bool] = mapped_column(default=False)  # worded negatively: disagreeing is the positive answer

    dimension: Mapped[SurveyDimension] = relationship(back_populates="questions")


class SurveyPoint(db.Model):
    """A public link of a satisfaction questionnaire, for one cabinet or pathway (its poster's QR code)."""

    __tablename__ = "quality_survey_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_survey.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    token: Mapped[str] = mapped_column(sa.String(40), unique=True, default=lambda: secrets.token_urlsafe(16))

    survey: Mapped[Survey] = relationship(back_populates="points")


class SurveyInvitation(db.Model):
    """A person asked to answer a safety-culture survey: their personal link is signed on its id; ``answered``
    is all that is kept of their answer (no time, no link to it)."""

    __tablename__ = "quality_survey_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_survey.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int | None] = mapped_column(sa.ForeignKey("professional.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(254))
    answered: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.UniqueConstraint("survey_id", "professional_id", name="uq_survey_invitation_professional"),
        sa.UniqueConstraint("survey_id", "user_id", name="uq_survey_invitation_user"),
    )


class SurveyAnswer(db.Model):
    """One value on the five-point scale: the question, the day, the public link it came through; nothing else."""

    __tablename__ = "quality_survey_answer"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_survey.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_survey_question.id", ondelete="CASCADE"),
                                             index=True)
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_survey_point.id", ondelete="SET NULL"))
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    day: Mapped[date] = mapped_column(sa.Date)

    __table_args__ = (sa.CheckConstraint("value BETWEEN 1 AND 5", name="value_scale"),)


class SurveyComment(db.Model):
    """An optional free text, screened for patient data before it is kept; the day only."""

    __tablename__ = "quality_survey_comment"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=random_id)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_survey.id", ondelete="CASCADE"), index=True)
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_survey_point.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    day: Mapped[date] = mapped_column(sa.Date)
