"""Asking for a document, making it in a worker with its progress, keeping it, giving it back.

request → (worker) run → ready | failed → (user) retry. The document row is the job: its status and percentage are
what the wait page shows; its bytes stay until a newer fingerprint of the same source has been made.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Response, redirect, url_for

from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.documents.models import Document, DocumentStatus
from crisis_app.core.documents.registry import kind_of
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User

log = logging.getLogger(__name__)

BROKEN = ("La fabrication du document a échoué sur une erreur inattendue. Relancez-la ; si l'échec revient, "
          "prévenez l'équipe.")
QUEUE_DOWN = ("La file de travail est injoignable : le document n'a pas pu être mis en fabrication. Relancez dans "
              "un moment.")
GONE = "Ce type de document n'est plus fabriqué."
WAITING = (DocumentStatus.QUEUED, DocumentStatus.RUNNING)


def _plain(value: Any) -> Any:
    # an instant by its UTC value, not its tzinfo's repr: a time set in Python (timezone.utc) and the same time read
    # back from PostgreSQL (the driver's own tzinfo) must give the same fingerprint
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fingerprint(*parts: Any) -> str:
    """A digest of the source as it stands: mapped rows by all their column values, anything else by its repr."""
    digest = hashlib.sha256()
    for part in parts:
        table = getattr(part, "__table__", None)
        values = [getattr(part, c.key) for c in table.columns] if table is not None else part
        digest.update(repr(_plain(values)).encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


def _find(kind: str, key: str, fingerprint_: str) -> Document | None:
    return db.session.scalar(sa.select(Document).where(Document.kind == kind, Document.key == key,
                                                       Document.fingerprint == fingerprint_))


class _AskedMeanwhile(Exception):
    """The same source's document was inserted by a concurrent request (its unique constraint)."""


def request(*, kind: str, key: str, fingerprint: str, actor: User | None) -> Document:
    """The kept document of this source as it stands (made, being made or failed), else a new one that a worker
    starts making once the caller's unit of work has committed."""
    if kind_of(kind) is None:
        raise LookupError(f"no maker registered for document kind {kind!r}")
    found = _find(kind, key, fingerprint)
    if found is not None:
        return found
    document = Document(kind=kind, key=key, fingerprint=fingerprint, status=DocumentStatus.QUEUED, progress=0,
                        requested_by_id=actor.id if actor else None)
    try:
        with atomic(savepoint=True, conflict=_AskedMeanwhile):
            db.session.add(document)
            db.session.flush()
    except _AskedMeanwhile:
        return _find(kind, key, fingerprint)  # asked by someone else a moment before: theirs is the one
    _enqueue_on_commit(document.id)
    return document


def retry(*, document: Document) -> Document:
    """Queue a failed document again; a second click finds it already queued and does nothing."""
    claimed = db.session.execute(
        sa.update(Document).where(Document.id == document.id, Document.status == DocumentStatus.FAILED)
        .values(status=DocumentStatus.QUEUED, progress=0, error=None)).rowcount
    db.session.refresh(document)
    if claimed:
        _enqueue_on_commit(document.id)
    return document


def respond(document: Document) -> Response:
    """The file when it is made, else the wait page that follows it."""
    if document.status is DocumentStatus.READY:
        return download(document)
    # telecharger=1: the page's script starts the download by itself once the document is made
    return redirect(url_for("documents.follow", document_id=document.id, telecharger=1), code=303)


def download(document: Document) -> Response:
    kind = kind_of(document.kind)
    return Response(document.content, mimetype=kind.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{kind.filename(document.key)}"',
        "Cache-Control": "private, no-store"})


def status(document: Document) -> dict:
    """What the wait page and its script need: state, its label, percent, the error, and whether to keep asking."""
    return {"id": document.id, "status": document.status.value, "label": document.status.label,
            "progress": document.progress, "error": document.error, "waiting": document.status in WAITING,
            "ready": document.status is DocumentStatus.READY,
            "download_url": url_for("documents.file", document_id=document.id)}


def _enqueue_on_commit(document_id: int) -> None:
    # the worker must find the row committed; a unit that rolls back queues nothing
    db.session().on_commit(lambda: _enqueue(document_id))


def _enqueue(document_id: int) -> None:
    from crisis_app.core.documents.tasks import make_document

    try:
        make_document.delay(document_id)
    except Exception:  # noqa: BLE001 - the broker is down: say so rather than leave the page waiting forever
        log.exception("could not enqueue document %s", document_id)
        with atomic():  # after the commit that created the row: a unit of its own
            _fail(document_id, QUEUE_DOWN)


def _fail(document_id: int, message: str) -> None:
    from crisis_app.core.notifications import attachments

    db.session.execute(sa.update(Document).where(Document.id == document_id)
                       .values(status=DocumentStatus.FAILED, error=message[:500], content=None))
    attachments.document_failed(document_id, message)  # a message waiting for it says why it cannot leave


def run(*, document_id: int) -> None:
    """The worker's part: make one queued document with its progress, keep it, drop the older ones of its source.

    Outside a unit of work (``own_transactions``): the claim, each progress step and the outcome are committed on
    their own, so the wait page sees the percentage move.
    """
    from crisis_app.core.notifications import attachments

    with atomic():
        claimed = db.session.execute(
            sa.update(Document).where(Document.id == document_id, Document.status.in_(WAITING))
            .values(status=DocumentStatus.RUNNING, progress=0, error=None)).rowcount
    document = db.session.get(Document, document_id)
    if not claimed or document is None:
        return
    kind, key, kind_name = kind_of(document.kind), document.key, document.kind
    try:
        if kind is None:
            raise ServiceError("unknown_kind", GONE)
        content = kind.make(key, progress_writer(document_id))
    except ServiceError as exc:
        with atomic():
            _fail(document_id, exc.message)
        return
    except Exception:  # noqa: BLE001 - recorded on the row, the user may retry; the trace goes to the log
        log.exception("document %s (%s %s) failed", document_id, kind_name, key)
        with atomic():
            _fail(document_id, BROKEN)
        return
    with atomic():
        db.session.execute(sa.update(Document).where(Document.id == document_id).values(
            content=content, status=DocumentStatus.READY, progress=100, made_at=utcnow(), error=None))
        attachments.document_made(document_id, content)  # the messages waiting for it leave after this commit
        db.session.execute(sa.delete(Document).where(
            Document.kind == kind_name, Document.key == key, Document.id != document_id,
            Document.status.in_([DocumentStatus.READY, DocumentStatus.FAILED])))


def progress_writer(document_id: int):
    """``progress(percent)`` for a maker: committed at once in a unit of its own, so the page sees it move."""

    def write(percent: int) -> None:
        with atomic():
            db.session.execute(sa.update(Document).where(Document.id == document_id)
                               .values(progress=max(0, min(int(percent), 99))))

    return write
