"""The crisis action plan: one version per year (draft → validated → published), and the year's activities."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum


class PlanStatus(LabelledStrEnum):
    DRAFT = "draft", "Brouillon"
    VALIDATED = "validated", "Validé"
    PUBLISHED = "published", "Publié"


SECTIONS = ("anticipation", "adaptation", "pilotage", "retex")


class PlanVersion(TimestampMixin, db.Model):
    """The plan of one year. Its four sections are structured JSON; people are directory ids, partners
    organisation ids. Once published it never changes: next year's draft starts as a copy."""

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, 12), default=PlanStatus.DRAFT, index=True)
    anticipation: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    adaptation: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    pilotage: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    retex: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Figures of the directory and the stock, and the names behind the ids, as they were at publication.
    frozen: Mapped[dict | None] = mapped_column(sa.JSON)
    source_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_version.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    validated_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    validated_by_label: Mapped[str | None] = mapped_column(sa.String(254))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    published_by_label: Mapped[str | None] = mapped_column(sa.String(254))

    __table_args__ = (sa.CheckConstraint("year BETWEEN 2000 AND 2200", name="year_range"),)

    @property
    def is_published(self) -> bool:
        return self.status is PlanStatus.PUBLISHED


class ActivityKind(LabelledStrEnum):
    EXERCISE = "exercise", "Exercice de préparation"
    SENSIBILISATION = "sensibilisation", "Action de sensibilisation"


class PlanActivity(TimestampMixin, db.Model):
    """A sensibilisation action or a preparation exercise of a year, planned then done, with its participants.

    Kept apart from the versions: what is done during the year is recorded after the year's plan is published,
    and the mission indicators count it.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    kind: Mapped[ActivityKind] = mapped_column(str_enum(ActivityKind, 20))
    title: Mapped[str] = mapped_column(sa.String(200))
    planned_on: Mapped[date | None] = mapped_column(sa.Date)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    participant_ids: Mapped[list] = mapped_column(sa.JSON, default=list)  # directory professional ids
    notes: Mapped[str | None] = mapped_column(sa.String(1000))

    @property
    def done(self) -> bool:
        return self.done_on is not None


class PublishedPlanChanged(RuntimeError):
    """A published version was about to change: a bug, since the services refuse it first."""


@sa.event.listens_for(PlanVersion, "before_update")
def _published_never_changes(mapper, connection, target: PlanVersion) -> None:
    # The services refuse to edit a published version; this catches any code path that forgets to ask them.
    history = sa.inspect(target).attrs.status.history
    before = history.deleted[0] if history.deleted else target.status
    if before == PlanStatus.PUBLISHED:
        raise PublishedPlanChanged(f"plan version {target.id} is published and may not change")


class PlanComment(TimestampMixin, db.Model):
    """An observer's remark on a section of a draft, or an answer in its thread; kept with the version.

    A thread is its first comment (``thread_id`` None) and the answers pointing to it; the référent or the
    coordinator resolves the thread as a whole.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_version.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(sa.String(20))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_comment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(sa.String(254))
    text: Mapped[str] = mapped_column(sa.String(4000))
    resolved_at: Mapped[datetime | None]
    resolved_by_label: Mapped[str | None] = mapped_column(sa.String(254))

    __table_args__ = (sa.CheckConstraint("section IN ('anticipation', 'adaptation', 'pilotage', 'retex')",
                                         name="comment_section"),)
