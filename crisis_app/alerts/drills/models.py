"""Drills of the alert chain (« exercices d'alerte »): a real alert marked EXERCICE, sent now or at a set time,
whose deliveries and answers give the chain's figures."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.alerts.models import Alert
from crisis_app.core.db import TimestampMixin, db, str_enum
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.core.vocabulary import QuestionKind


class DrillKind(LabelledStrEnum):
    SCHEDULED = "scheduled", "programmé"
    UNANNOUNCED = "unannounced", "inopiné"


class DrillStatus(LabelledStrEnum):
    SCHEDULED = "scheduled", "programmé"
    LAUNCHED = "launched", "lancé"
    CANCELLED = "cancelled", "annulé"
    FAILED = "failed", "lancement impossible"


class Drill(TimestampMixin, db.Model):
    """One drill; launched once (a conditional UPDATE on ``status``), its alert carries every message."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[DrillKind] = mapped_column(str_enum(DrillKind, 20))
    status: Mapped[DrillStatus] = mapped_column(str_enum(DrillStatus, 20), default=DrillStatus.SCHEDULED,
                                                index=True)
    audience_id: Mapped[int | None] = mapped_column(sa.ForeignKey("audience.id", ondelete="SET NULL"))
    audience_name: Mapped[str] = mapped_column(sa.String(200))
    channels: Mapped[list] = mapped_column(sa.JSON)
    question_kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, 20))
    sms_text: Mapped[str] = mapped_column(sa.String(480))
    email_text: Mapped[str] = mapped_column(sa.Text)
    scheduled_for: Mapped[datetime | None] = mapped_column(index=True)
    launched_at: Mapped[datetime | None] = mapped_column(index=True)
    launch_error: Mapped[str | None] = mapped_column(sa.String(300))
    alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alert.id", ondelete="SET NULL"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    alert: Mapped[Alert | None] = relationship()
