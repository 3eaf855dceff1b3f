"""A document a worker makes from one source (kind + key) as it stood (fingerprint), and keeps."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis_app.core.db import db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum


class DocumentStatus(LabelledStrEnum):
    QUEUED = "queued", "En attente d'un travailleur"
    RUNNING = "running", "En fabrication"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


class Document(db.Model):
    """One made (or being made) document; the newest fingerprint of a source replaces the older ones once made."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(120))
    fingerprint: Mapped[str] = mapped_column(sa.String(128))
    status: Mapped[DocumentStatus] = mapped_column(str_enum(DocumentStatus, 12), default=DocumentStatus.QUEUED)
    progress: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    # in the database, not under one host's instance folder: the worker that makes it may run on another machine
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    made_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(500))

    __table_args__ = (
        # two people asking at once for the same source get one document
        sa.UniqueConstraint("kind", "key", "fingerprint"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
    )
