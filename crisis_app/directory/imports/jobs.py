"""Imports run by a worker: the upload is kept as long as the import needs it, the page follows the progress.

upload → (worker) dry run → preview → confirmation → (worker) real run → report. The file is deleted when the
import ends, fails or is cancelled; an upload never confirmed is deleted after a day.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.imports import annuaire, csv_io
from crisis_app.directory.imports.models import DirectoryImport, ImportState
from crisis_app.directory.imports.territory import parse_territory
from crisis_app.directory.imports.upsert import ImportReport

log = logging.getLogger(__name__)

SUFFIXES = {"annuaire": ".txt", "csv": ".csv"}
UPLOAD_MAX_AGE_SECONDS = 24 * 3600
FINISHED = (ImportState.DONE, ImportState.FAILED, ImportState.CANCELLED)
BROKEN = "L'import s'est arrêté sur une erreur inattendue ; le fichier a été supprimé. Réessayez ou prévenez l'équipe."


def imports_dir() -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _drop_stale(folder: Path) -> None:
    for old in folder.iterdir():
        if old.is_file() and time.time() - old.stat().st_mtime > UPLOAD_MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)


def save_upload(storage, kind: str) -> str:
    """Copy the upload under instance/imports/<uuid>; a copy that fails half-way is deleted, never left."""
    folder = imports_dir()
    _drop_stale(folder)
    stored_name = f"{uuid.uuid4()}{SUFFIXES[kind]}"
    partial = folder / f"{stored_name}.part"
    try:
        storage.save(partial)
        partial.rename(folder / stored_name)
    except OSError:
        partial.unlink(missing_ok=True)
        log.exception("upload of %s could not be kept", kind)
        raise ServiceError("upload_failed", "Le fichier n'a pas pu être enregistré sur le serveur (espace disque ?). "
                           "Rien n'a été importé ; réessayez.", field="file", status=503) from None
    return stored_name


def path_of(job: DirectoryImport) -> Path | None:
    return imports_dir() / job.stored_name if job.stored_name else None


def _discard_file(job: DirectoryImport) -> None:
    """Forget the stored copy; the file itself goes once the unit that forgets it has committed."""
    if (path := path_of(job)) is not None:
        db.session().on_commit(lambda: path.unlink(missing_ok=True))
    job.stored_name = None


@atomic()
def start_import(*, actor: User, kind: str, storage, file_name: str, departements: str = "",
                 communes: str = "") -> DirectoryImport:
    """Keep the file, check its header at once, and queue its dry run; the caller's page then follows it."""
    if kind == "annuaire":
        parse_territory([departements], [communes])  # a bad territory is refused before anything is kept
    stored_name = save_upload(storage, kind)
    path = imports_dir() / stored_name
    try:
        (annuaire if kind == "annuaire" else csv_io).check_header(path)
    except ServiceError:
        path.unlink(missing_ok=True)
        raise
    job = DirectoryImport(kind=kind, file_name=file_name, stored_name=stored_name, departements=departements or "",
                          communes=communes or "", dry_run=True, state=ImportState.QUEUED,
                          created_by_id=actor.id if actor else None)
    db.session.add(job)
    db.session.flush()
    _enqueue_on_commit(job.id)
    return job


@atomic()
def confirm_import(*, actor: User, job: DirectoryImport) -> DirectoryImport:
    """Queue the real run of a previewed import; a second click finds it already queued and does nothing."""
    claimed = db.session.execute(
        sa.update(DirectoryImport).where(DirectoryImport.id == job.id, DirectoryImport.state == ImportState.PREVIEWED)
        .values(state=ImportState.QUEUED, dry_run=False, progress=0)).rowcount
    db.session.refresh(job)
    if claimed:
        _enqueue_on_commit(job.id)
    elif job.state not in (ImportState.QUEUED, ImportState.RUNNING, ImportState.DONE):
        raise ServiceError("not_previewed", "Cet import ne peut plus être confirmé : déposez le fichier à nouveau.",
                           status=409)
    return job


@atomic()
def cancel_import(*, actor: User, job: DirectoryImport) -> DirectoryImport:
    """Give up a previewed import: its file is deleted once this is committed."""
    if job.state is not ImportState.PREVIEWED:
        raise ServiceError("not_previewed", "Seul un aperçu en attente de confirmation peut être annulé.", status=409)
    _discard_file(job)
    job.state, job.finished_at = ImportState.CANCELLED, utcnow()
    return job


def _enqueue_on_commit(job_id: int) -> None:
    # the worker must find the job committed; a unit that rolls back queues nothing
    db.session().on_commit(lambda: _enqueue(job_id))


def _enqueue(job_id: int) -> None:
    from crisis_app.directory.imports.tasks import run_import

    try:
        run_import.delay(job_id)
    except Exception:  # noqa: BLE001 - the broker is down: say so rather than leave the page waiting forever
        log.exception("could not enqueue import %s", job_id)
        with atomic():  # after the commit that created the job: a unit of its own
            _fail(db.session.get(DirectoryImport, job_id),
                  "La file de travail est injoignable : l'import n'a pas pu démarrer. Réessayez dans un moment.")


def _fail(job: DirectoryImport, message: str) -> None:
    _discard_file(job)
    job.state, job.message, job.finished_at = ImportState.FAILED, message[:500], utcnow()


def run(*, job_id: int) -> None:
    """The worker's part: run the queued phase (dry run or real) of one import, with its progress.

    The task runs outside a unit of work (``own_transactions``): the claim, each batch of the file, each
    progress step and the outcome are committed on their own, so the page sees the percentage move.
    """
    with atomic():
        claimed = db.session.execute(
            sa.update(DirectoryImport).where(DirectoryImport.id == job_id,
                                             DirectoryImport.state.in_([ImportState.QUEUED, ImportState.RUNNING]))
            .values(state=ImportState.RUNNING, progress=0)).rowcount
    job = db.session.get(DirectoryImport, job_id)
    if not claimed or job is None:
        return
    path, dry_run = path_of(job), job.dry_run
    if path is None or not path.is_file():
        with atomic():
            _fail(job, "Le fichier déposé n'est plus sur le serveur : déposez-le à nouveau.")
        return
    try:
        report = _run_file(job, path, dry_run=dry_run)
    except ServiceError as exc:
        with atomic():
            _fail(db.session.get(DirectoryImport, job_id), exc.message)
        return
    except Exception:
        log.exception("import %s failed", job_id)
        with atomic():
            _fail(db.session.get(DirectoryImport, job_id), BROKEN)
        raise
    with atomic():
        job = db.session.get(DirectoryImport, job_id)
        job.report, job.progress = report.as_dict(), 100
        if dry_run:
            job.state = ImportState.PREVIEWED
        else:
            _discard_file(job)
            job.state, job.finished_at = ImportState.DONE, utcnow()


def _run_file(job: DirectoryImport, path: Path, *, dry_run: bool) -> ImportReport:
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    job_id, kind, file_name = job.id, job.kind, job.file_name
    progress = progress_writer(job_id)
    if kind == "csv":
        return csv_io.import_csv(path=path, actor=actor, dry_run=dry_run, file_name=file_name, on_progress=progress)
    territory = parse_territory([job.departements], [job.communes])
    return annuaire.import_annuaire(path=path, territory=territory, actor=actor, dry_run=dry_run,
                                    file_name=file_name, on_progress=progress)


def progress_writer(job_id: int):
    # Called between lines, outside the batches' units of work (each batch is committed on its own, a dry run
    # writes nothing): committing the percentage in a unit of its own lets the page see it at once.
    def write(fraction: float) -> None:
        with atomic():
            db.session.execute(sa.update(DirectoryImport).where(DirectoryImport.id == job_id)
                               .values(progress=int(fraction * 100)))

    return write


def expire_stale() -> int:
    """Previews not confirmed within a day: their file is deleted and they are cancelled (hourly, beat)."""
    limit = utcnow() - timedelta(seconds=UPLOAD_MAX_AGE_SECONDS)
    jobs = list(db.session.scalars(sa.select(DirectoryImport).where(
        DirectoryImport.state == ImportState.PREVIEWED, DirectoryImport.created_at < limit)))
    for job in jobs:
        _discard_file(job)
        job.state, job.finished_at = ImportState.CANCELLED, utcnow()
        job.message = "Aperçu non confirmé dans les 24 heures : le fichier a été supprimé."
    _drop_stale(imports_dir())
    return len(jobs)


def status(job: DirectoryImport) -> dict:
    """What the following page needs: state, its label, percent, message, and whether to stop polling."""
    return {"id": job.id, "state": job.state.value, "label": job.state.label, "progress": job.progress,
            "dry_run": job.dry_run, "message": job.message,
            "waiting": job.state in (ImportState.QUEUED, ImportState.RUNNING)}


def report_of(job: DirectoryImport) -> ImportReport | None:
    return ImportReport.from_dict(job.report) if job.report else None
