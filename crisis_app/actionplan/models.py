"""One corrective action of either mission, the reminder-step ledger, the reminder setting.

The action's table keeps the name it had in quality (``quality_action``): the rows of both missions live in it.
``event_id`` is kept beside the source for quality's closure rule (the event an analysis's action belongs to).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.actionplan.vocab import SOURCE_PAGES, ActionStatus, ActionType, SourceKind
from crisis_app.core.db import db, str_enum, utcnow
from crisis_app.core.labels import label_of
from crisis_app.core.models import User
from crisis_app.directory.professionals.models import Professional


class CorrectiveAction(db.Model):
    """One action of a plan, from planifiée to efficacité vérifiée (or non efficace), with its evidence."""

    __tablename__ = "quality_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    action_type: Mapped[str] = mapped_column(sa.String(16), info={"labels": ActionType})
    source_type: Mapped[str] = mapped_column(sa.String(24), info={"labels": SourceKind})
    source_id: Mapped[int]
    # how the source reads on a list ("RETEX — Canicule de juin"); None: the kind and its number
    source_title: Mapped[str | None] = mapped_column(sa.String(300))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("adverse_event.id", ondelete="CASCADE"),
                                                 index=True)
    owner_professional_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("professional.id", ondelete="SET NULL"))
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # an owner named in free text that matches nobody of the directory or the accounts (RETEX actions)
    owner_note: Mapped[str | None] = mapped_column(sa.String(200))
    due_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
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
        sa.CheckConstraint("owner_professional_id IS NOT NULL OR owner_user_id IS NOT NULL OR owner_note IS NOT NULL",
                           name="has_owner"),
        sa.Index("ix_quality_action_source", "source_type", "source_id"),
    )

    @property
    def owner_name(self) -> str:
        if self.owner_professional is not None:
            return self.owner_professional.display_name
        if self.owner_user is not None:
            return self.owner_user.full_name
        return self.owner_note or ""

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def type_label(self) -> str:
        return label_of(ActionType, self.action_type)

    @property
    def source_label(self) -> str:
        return self.source_title or f"{label_of(SourceKind, self.source_type)} n° {self.source_id}"

    @property
    def source_page(self) -> tuple[str, dict] | None:
        """(endpoint, arguments) of the page showing the source, for ``url_for``; None when it has none."""
        try:
            endpoint, arg = SOURCE_PAGES[SourceKind(self.source_type)]
        except (ValueError, KeyError):
            return None
        return endpoint, {arg: self.source_id}

    def is_late(self, today: date) -> bool:
        if self.due_on is None:
            return False
        if self.done_on is not None:
            return self.done_on > self.due_on
        return today > self.due_on


class ReminderStep(db.Model):
    """One reminder step of one deadline (an action's due date, an EIGS part 2…): the row exists once per
    (kind, subject, step), so a beat that fires twice sends once — the unique key decides, not a read."""

    __tablename__ = "reminder_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    subject_id: Mapped[int]
    step: Mapped[str] = mapped_column(sa.String(16))
    due_on: Mapped[date] = mapped_column(sa.Date)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient_count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("kind", "subject_id", "step", name="uq_reminder_step"),)


class ActionPlanSettings(db.Model):
    """The coordinator's setting of the action plan: how often an overdue action is reminded (one row)."""

    __tablename__ = "quality_programme_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    overdue_every_days: Mapped[int] = mapped_column(default=7)

    __table_args__ = (sa.CheckConstraint("overdue_every_days BETWEEN 1 AND 90", name="overdue_range"),)
