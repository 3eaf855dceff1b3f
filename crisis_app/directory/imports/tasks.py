"""Directory background work: imports run by a worker, so a national file never holds a web request."""

from __future__ import annotations

import logging

from celery import shared_task

from crisis_app.directory.imports import jobs

log = logging.getLogger(__name__)

RUN_IMPORT = "crisis_app.directory.tasks.run_import"


# own_transactions: each batch and each progress step is committed on its own, so the page follows the import
@shared_task(name=RUN_IMPORT, ignore_result=True, own_transactions=True)
def run_import(job_id: int) -> None:
    """Run the queued phase (dry run or real) of one directory import."""
    jobs.run(job_id=job_id)
    log.info("directory import %s: phase finished", job_id)


EXPIRE_IMPORTS = "crisis_app.directory.tasks.expire_imports"


@shared_task(name=EXPIRE_IMPORTS, ignore_result=True)
def expire_imports() -> int:
    """Delete the files of previews nobody confirmed within a day (Celery beat, hourly)."""
    count = jobs.expire_stale()
    log.info("directory imports: %d stale preview(s) cancelled", count)
    return count
