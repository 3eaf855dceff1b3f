"""Audiences: a saved filter or a fixed list of professionals."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.directory.audiences.criteria import describe_criteria
from crisis_app.directory.professionals.models import Professional


class AudienceKind(LabelledStrEnum):
    FILTER = "filter", "Filtre recalculé au moment de l'envoi"  # a saved search, resolved when the alert is sent
    LIST = "list", "Liste fixe"  # a fixed list of professionals


class Audience(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str | None] = mapped_column(sa.String(500))
    kind: Mapped[AudienceKind] = mapped_column(str_enum(AudienceKind, 12))
    criteria: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    for_exercises: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    members: Mapped[list[AudienceMember]] = relationship(back_populates="audience", cascade="all, delete-orphan")

    @property
    def criteria_summary(self) -> list[str]:
        """The saved filter in words (labels, never codes), for the pages that show it."""
        return describe_criteria(self.criteria or {})


class AudienceMember(db.Model):
    audience_id: Mapped[int] = mapped_column(sa.ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True)
    professional_id: Mapped[int] = mapped_column(sa.ForeignKey("professional.id", ondelete="CASCADE"),
                                                 primary_key=True, index=True)

    audience: Mapped[Audience] = relationship(back_populates="members")
    professional: Mapped[Professional] = relationship()
