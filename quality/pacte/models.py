"""A PACTE programme, its dated steps (each may point at the survey or the session that carried it out), and its
maturity self-assessments on the four axes."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum


class StepKind(LabelledStrEnum):
    SURVEY = "safety_survey", "Mesure de la culture de sécurité"
    MATURITY = "maturity", "Auto-évaluation de la maturité de l'équipe"
    CRM = "crm_training", "Formation au travail en équipe (CRM)"
    ANALYSIS = "eias_analysis", "Analyse des EIAS et EIGS en équipe"
    REVIEW = "review", "Bilan du programme"


AXES = (("strategique", "Stratégique"), ("structurel", "Structurel"), ("technique", "Technique"),
        ("culturel", "Culturel"))


class PacteProgramme(db.Model):
    __tablename__ = "quality_pacte_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    steps: Mapped[list[PacteStep]] = relationship(back_populates="programme", cascade="all, delete-orphan",
                                                  order_by="(PacteStep.due_on, PacteStep.id)")
    assessments: Mapped[list[MaturityAssessment]] = relationship(
        back_populates="programme", cascade="all, delete-orphan",
        order_by="(MaturityAssessment.assessed_on, MaturityAssessment.id)")


class PacteStep(db.Model):
    __tablename__ = "quality_pacte_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_pacte_programme.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[StepKind] = mapped_column(str_enum(StepKind))
    label: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date] = mapped_column(sa.Date)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    survey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_survey.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_session.id", ondelete="SET NULL"))

    programme: Mapped[PacteProgramme] = relationship(back_populates="steps")

    @property
    def kind_label(self) -> str:
        return self.kind.label


class MaturityAssessment(db.Model):
    """The team's self-assessment for one period, each axis from 1 (débutant) to 5 (exemplaire)."""

    __tablename__ = "quality_pacte_maturity"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_pacte_programme.id", ondelete="CASCADE"),
                                              index=True)
    period: Mapped[str] = mapped_column(sa.String(60))
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    strategique: Mapped[int] = mapped_column(sa.SmallInteger)
    structurel: Mapped[int] = mapped_column(sa.SmallInteger)
    technique: Mapped[int] = mapped_column(sa.SmallInteger)
    culturel: Mapped[int] = mapped_column(sa.SmallInteger)

    programme: Mapped[PacteProgramme] = relationship(back_populates="assessments")

    __table_args__ = (
        sa.CheckConstraint("strategique BETWEEN 1 AND 5 AND structurel BETWEEN 1 AND 5 AND technique BETWEEN 1 AND 5 "
                           "AND culturel BETWEEN 1 AND 5", name="axes_scale"),
        sa.UniqueConstraint("programme_id", "period", name="uq_pacte_maturity_period"),
    )

    def scores(self) -> dict[str, int]:
        return {axis: getattr(self, axis) for axis, _ in AXES}
