"""Documents made by a worker, so a large PDF never holds a web request."""

from __future__ import annotations

import logging

from celery import shared_task

from crisis_app.core.documents import jobs

log = logging.getLogger(__name__)

MAKE_DOCUMENT = "crisis_app.core.documents.tasks.make_document"


# own_transactions: each progress step is committed on its own, so the wait page follows the making
@shared_task(name=MAKE_DOCUMENT, ignore_result=True, own_transactions=True)
def make_document(document_id: int) -> None:
    """Make one queued document."""
    jobs.run(document_id=document_id)
    log.info("document %s: made or failed", document_id)
