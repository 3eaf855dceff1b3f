"""The CPTS's ACI contract, the grave crises that trigger its variable crisis amount and the twice-yearly indicator
reviews (the annual report's files are core.documents)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum


class Mission(LabelledStrEnum):
    """The missions of the ACI contract a CPTS chooses (the crisis mission is a socle one, always chosen)."""

    CRISIS = "crisis", "Réponse aux crises sanitaires graves"
    QUALITY = "quality", "Qualité et pertinence des soins"
    ACCESS = "access", "Accès aux soins"
    PATHWAYS = "pathways", "Parcours pluriprofessionnels"
    PREVENTION = "prevention", "Prévention"
    PROFESSIONALS = "professionals", "Accompagnement des professionnels de santé"


class Contract(TimestampMixin, db.Model):
    """The CPTS's one contract: when it was signed, its size, the missions it chose."""

    __tablename__ = "aci_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    signed_on: Mapped[date] = mapped_column(sa.Date)
    size: Mapped[int] = mapped_column(sa.SmallInteger)
    over_100_members: Mapped[bool] = mapped_column(default=False)
    missions: Mapped[list] = mapped_column(sa.JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.CheckConstraint("size BETWEEN 1 AND 4", name="size_range"),)


class VariableTrigger(TimestampMixin, db.Model):
    """A crisis qualified grave by the ARS that triggers the variable crisis amount of a contract year."""

    __tablename__ = "aci_variable_trigger"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="RESTRICT"), unique=True)
    qualified_on: Mapped[date] = mapped_column(sa.Date)
    year: Mapped[int]
    amount: Mapped[int]  # euros, by the contract's size when recorded
    payable_month: Mapped[date] = mapped_column(sa.Date)  # first day of the month after the qualification
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class ReviewStatus(LabelledStrEnum):
    PLANNED = "planned", "Planifiée"
    HELD = "held", "Tenue"


class _ReviewKind:
    """What the invitation's .ics says the meeting is (quality.sessions.calendar reads ``kind.label``)."""

    label = "Revue semestrielle des indicateurs"
    value = "revue"


class IndicatorReview(TimestampMixin, db.Model):
    """The twice-yearly review of the missions' indicators: planned like a session, then what was decided."""

    __tablename__ = "aci_indicator_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=90)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    status: Mapped[ReviewStatus] = mapped_column(str_enum(ReviewStatus, 12), default=ReviewStatus.PLANNED)
    invited_at: Mapped[datetime | None]
    held_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    kind = _ReviewKind()
    video_url = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class ReviewDecision(TimestampMixin, db.Model):
    """What the review decided about one indicator or one action of the plan."""

    __tablename__ = "aci_review_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("aci_indicator_review.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str | None] = mapped_column(sa.String(60))
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_action.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    __table_args__ = (sa.CheckConstraint("indicator IS NOT NULL OR action_id IS NOT NULL", name="about_something"),)
