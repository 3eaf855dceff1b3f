"""The CPTS's ACI contract, the grave crises that trigger its variable crisis amount, and the annual reports made
by a worker."""

from __future__ import annotations

from datetime import date, datetime

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


class ReportState(LabelledStrEnum):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Prêt"
    FAILED = "failed", "Échec"


class AnnualReport(TimestampMixin, db.Model):
    """One "bilan annuel" made by a worker: its progress, then its PDF and CSV."""

    __tablename__ = "aci_annual_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    state: Mapped[ReportState] = mapped_column(str_enum(ReportState, 12), default=ReportState.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(sa.String(500))
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    csv: Mapped[str | None] = mapped_column(sa.Text, deferred=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]
