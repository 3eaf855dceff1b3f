"""Quality background work: the EIGS part-2 reminders (Celery beat, daily)."""

from __future__ import annotations

import logging

from celery import shared_task

from quality.register import reminders

log = logging.getLogger(__name__)

EIGS_REMINDERS = "quality.tasks.eigs_reminders"


@shared_task(name=EIGS_REMINDERS, ignore_result=True)
def eigs_reminders() -> int:
    """Send each EIGS reminder step reached today, once."""
    sent = reminders.run()
    log.info("quality: %d EIGS reminder(s) sent", sent)
    return sent
