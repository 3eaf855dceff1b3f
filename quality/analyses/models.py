"""Systemic analyses (ORION, ALARM) of one event or a patient traceur; the actions they lead to live in the action
plan (crisis_app.actionplan)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import db, str_enum, utcnow
from crisis_app.core.labels import label_of
from crisis_app.core.models import User
from quality.analyses.vocab import AnalysisMethod, AnalysisStatus


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
        return label_of(AnalysisMethod, self.method, "") if self.method else ""

    @property
    def status_label(self) -> str:
        return self.status.label
