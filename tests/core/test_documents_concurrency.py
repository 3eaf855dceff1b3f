"""Eight people asking at once for the PDF of one unchanged source get one document, made once (PostgreSQL: real
concurrent transactions, each thread on its own connection and committed data)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from celery.app.task import Task

from crisis_app.core import documents
from crisis_app.core.db import atomic, db
from crisis_app.core.documents.models import Document

THREADS = 8


@documents.maker("test-race", may_read=lambda user, key: True, filename=lambda key: "course.txt",
                 title="Document d'essai", mimetype="text/plain")
def _make(key: str, progress) -> bytes:
    return b"une fois"


@pytest.mark.postgres
def test_requests_racing_on_one_source_make_one_document(app, monkeypatch):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    queued: list[tuple] = []
    monkeypatch.setattr(Task, "delay", lambda self, *args: queued.append(args))  # the broker's part, counted
    start = threading.Barrier(THREADS, timeout=30)
    got: list[int] = []
    lock = threading.Lock()

    def ask() -> None:
        with app.app_context():
            start.wait()
            with atomic():
                document = documents.request(kind="test-race", key="k", fingerprint="same", actor=None)
            with lock:
                got.append(document.id)

    try:
        threads = [threading.Thread(target=ask) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(got) == THREADS and len(set(got)) == 1
        assert len(queued) == 1  # the worker is asked once
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)
                                     .where(Document.kind == "test-race")) == 1
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Document).where(Document.kind == "test-race"))
            db.session.commit()
