"""What an alert that mobilises adds: a quota row per profession (its counter is the concurrency guard) and its
ordered waves of audiences."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.alerts.models import Alert
from crisis_app.core.db import db
from crisis_app.core.labels import LabelledStrEnum


class QuotaStatus(LabelledStrEnum):
    """What a person's answer did to their profession's quota (``none``: it took no place, e.g. « non »)."""

    CONFIRMED = "confirmed", "confirmé"
    RESERVE = "reserve", "réserve"
    NONE = "none", "—"


class AlertQuota(db.Model):
    """N people wanted for a profession; ``confirmed`` only grows by a guarded UPDATE (never past ``target``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    profession_code: Mapped[str] = mapped_column(sa.String(8))
    target: Mapped[int]
    confirmed: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None]  # when confirmed reached target (cleared if a confirmed yes turns to no)

    alert: Mapped[Alert] = relationship()

    __table_args__ = (sa.UniqueConstraint("alert_id", "profession_code", name="one_quota_per_profession"),
                      sa.CheckConstraint("confirmed >= 0 AND confirmed <= target", name="quota_within_target"))


class AlertWave(db.Model):
    """The ``position``-th audience of an alert; the next wave is due ``wait_minutes`` after this one left."""

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # 0: the alert's own audience, sent with it
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audience.id", ondelete="SET NULL"))
    audience_name: Mapped[str] = mapped_column(sa.String(200))
    wait_minutes: Mapped[int]
    launched_at: Mapped[datetime | None]  # set once, by a conditional UPDATE
    asked: Mapped[int] = mapped_column(default=0)  # people this wave added

    alert: Mapped[Alert] = relationship()

    __table_args__ = (sa.UniqueConstraint("alert_id", "position", name="one_wave_per_position"),)
