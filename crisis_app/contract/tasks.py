"""Contract background work: the annual report, so a PDF of a whole year never holds a web request."""

from __future__ import annotations

import logging

from celery import shared_task

from crisis_app.contract import jobs

log = logging.getLogger(__name__)

MAKE_REPORT = "crisis_app.contract.tasks.make_report"


# own_transactions: the claim, each progress step and the result are committed on their own
@shared_task(name=MAKE_REPORT, ignore_result=True, own_transactions=True)
def make_report(job_id: int) -> None:
    """Make one queued annual report (PDF and CSV)."""
    jobs.run(job_id=job_id)
    log.info("annual report %s: finished", job_id)
