"""Directory imports on their way through a worker: an uploaded file, its state, progress and report."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis_app.core.db import TimestampMixin, db, str_enum
from crisis_app.core.labels import LabelledStrEnum


class ImportState(LabelledStrEnum):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    PREVIEWED = "previewed", "Aperçu prêt"  # the dry run is done: waiting for the coordinator's confirmation
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"
    CANCELLED = "cancelled", "Annulé"


class DirectoryImport(TimestampMixin, db.Model):
    """An uploaded file on its way through an import run by a worker: dry run, confirmation, real run.

    The copy on disk (``stored_name``) lives only as long as the import needs it: it is deleted when the
    import ends, fails or is cancelled, and ``stored_name`` is then emptied.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12))  # annuaire | csv
    file_name: Mapped[str] = mapped_column(sa.String(200))  # as on the user's computer
    stored_name: Mapped[str | None] = mapped_column(sa.String(60))
    departements: Mapped[str] = mapped_column(sa.String(200), default="")
    communes: Mapped[str] = mapped_column(sa.String(500), default="")
    dry_run: Mapped[bool] = mapped_column(default=True)
    state: Mapped[ImportState] = mapped_column(str_enum(ImportState, 12), default=ImportState.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)  # percent of the file read by the current run
    message: Mapped[str | None] = mapped_column(sa.String(500))
    report: Mapped[dict | None] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]
