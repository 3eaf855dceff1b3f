"""Analyses (ORION, ALARM), corrective actions and their reminders, the CPTS's indicators, programme settings.

An action points at what it follows through a generic ``(source_type, source_id)`` pair, so a crisis RETEX can
attach its own actions without quality knowing the crises package; ``event_id`` is kept beside it for the
event's closure rule.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import db, str_enum, utcnow
from crisis_app.core.models import User
from crisis_app.directory.professionals.models import Professional
from quality import vocab_sessions as words
from quality.vocab_sessions import ActionStatus, AnalysisStatus


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


class CorrectiveAction(db.Model):
    """One action of a plan, from planifiée to efficacité vérifiée (or non efficace), with its evidence."""

    __tablename__ = "quality_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    action_type: Mapped[str] = mapped_column(sa.String(16))
    source_type: Mapped[str] = mapped_column(sa.String(24))
    source_id: Mapped[int]
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("adverse_event.id", ondelete="CASCADE"),
                                                 index=True)
    owner_professional_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("professional.id", ondelete="SET NULL"))
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus), default=ActionStatus.PLANNED, index=True)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    verified_on: Mapped[date | None] = mapped_column(sa.Date)
    evidence_note: Mapped[str | None] = mapped_column(sa.Text)
    evidence_filename: Mapped[str | None] = mapped_column(sa.String(200))
    evidence_media_type: Mapped[str | None] = mapped_column(sa.String(100))
    evidence_file: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner_professional: Mapped[Professional | None] = relationship()
    owner_user: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("owner_professional_id IS NOT NULL OR owner_user_id IS NOT NULL", name="has_owner"),
        sa.Index("ix_quality_action_source", "source_type", "source_id"),
    )

    @property
    def owner_name(self) -> str:
        if self.owner_professional is not None:
            return self.owner_professional.display_name
        return self.owner_user.full_name if self.owner_user is not None else ""

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def type_label(self) -> str:
        return words.label(words.ACTION_TYPES, self.action_type)

    @property
    def source_label(self) -> str:
        return f"{words.label(words.SOURCE_TYPES, self.source_type)} n° {self.source_id}"

    def is_late(self, today: date) -> bool:
        if self.done_on is not None:
            return self.done_on > self.due_on
        return today > self.due_on


class ActionReminder(db.Model):
    """One reminder step of one action (J-10, due date, each N days late): sent once, the unique key decides."""

    __tablename__ = "quality_action_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_action.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(sa.String(16))
    due_on: Mapped[date] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient_count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("action_id", "step", name="uq_action_reminder_step"),)


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


class ProgrammeSettings(db.Model):
    """The coordinator's settings of the quality programme: how often an overdue action is reminded."""

    __tablename__ = "quality_programme_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    overdue_every_days: Mapped[int] = mapped_column(default=7)

    __table_args__ = (sa.CheckConstraint("overdue_every_days BETWEEN 1 AND 90", name="overdue_range"),)
