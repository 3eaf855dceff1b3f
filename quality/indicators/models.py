"""The CPTS's own quality indicators and the values entered by hand."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core.db import db, utcnow


class QualityIndicator(db.Model):
    """One of the CPTS's own indicators: computed by Vigie or entered by hand, against its target of each year
    (``IndicatorTarget`` keyed ``own.<id>``)."""

    __tablename__ = "quality_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    definition: Mapped[str] = mapped_column(sa.Text)
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


class IndicatorTarget(db.Model):
    """The target of one indicator for one year, and whether it conditions the mission's variable part.

    ``indicator`` names it: ``quality.<figure>`` for the quality mission's contract indicators, ``mission.<figure>``
    for the crisis mission's, ``own.<id>`` for one of the CPTS's own indicators.
    """

    __tablename__ = "indicator_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(sa.String(60))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(sa.Float)
    conditions_variable: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.UniqueConstraint("indicator", "year", name="uq_indicator_target_indicator_year"),
                      sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"))
