"""Analyses (ORION, ALARM) and the CPTS's own indicators.

The corrective actions they lead to live in the action plan (crisis_app.actionplan.models.CorrectiveAction).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core.db import db, str_enum, utcnow
from crisis_app.core.models import User
from quality import vocab_sessions as words
from quality.vocab_sessions import AnalysisStatus


class Analysis(db.Model):
    """A systemic analysis of one event (or a patient traceur), filled in over several days by its pilot."""

    __tablename__ = "quality_analysis"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("adverse_event.id", ondelete="CASCADE"),
                                                 index=True)
    traceur_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quality_patient_traceur.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(sa.String(12))
    pilot_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[AnalysisStatus] = mapped_column(str_enum(AnalysisStatus), default=AnalysisStatus.DRAFT)
    # ORION steps {step: text}, factors {family: text}; ALARM {category: text}; barriers [{kind, outcome, text}]
    steps: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    factors: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    barriers: Mapped[list] = mapped_column(sa.JSON, default=list)
    lessons: Mapped[str | None] = mapped_column(sa.Text)
    validated_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quality_session.id", ondelete="SET NULL"))
    validated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    pilot: Mapped[User | None] = relationship()

    __table_args__ = (sa.CheckConstraint("event_id IS NOT NULL OR traceur_id IS NOT NULL", name="analyses_something"),)

    @property
    def method_label(self) -> str:
        return words.label(words.ANALYSIS_METHODS, self.method)

    @property
    def status_label(self) -> str:
        return self.status.label


class QualityIndicator(db.Model):
    """One of the CPTS's own indicators: computed by Vigie or entered by hand, against a target."""

    __tablename__ = "quality_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    definition: Mapped[str] = mapped_column(sa.Text)
    target: Mapped[float | None] = mapped_column(sa.Float)
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    source: Mapped[str] = mapped_column(sa.String(12))
    metric: Mapped[str | None] = mapped_column(sa.String(40))
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_action.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    action: Mapped[CorrectiveAction | None] = relationship()
    values: Mapped[list[IndicatorValue]] = relationship(back_populates="indicator", cascade="all, delete-orphan",
                                                        order_by=lambda: (IndicatorValue.measured_on,
                                                                                  IndicatorValue.id))

    __table_args__ = (sa.CheckConstraint("source <> 'computed' OR metric IS NOT NULL", name="computed_has_metric"),)


class IndicatorValue(db.Model):
    """A value entered by hand, with the date it was measured."""

    __tablename__ = "quality_indicator_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_indicator.id", ondelete="CASCADE"),
                                              index=True)
    value: Mapped[float] = mapped_column(sa.Float)
    measured_on: Mapped[date] = mapped_column(sa.Date)

    indicator: Mapped[QualityIndicator] = relationship(back_populates="values")
