"""Quality background work (Celery beat, daily): the EIGS part-2 reminders, the anonymous declarations' journal."""

from __future__ import annotations

import logging

from celery import shared_task

from quality.register import declaring, reminders

log = logging.getLogger(__name__)

EIGS_REMINDERS = "quality.tasks.eigs_reminders"
ANONYMOUS_JOURNAL = "quality.tasks.anonymous_journal"
ANNOUNCE_ANONYMOUS = "quality.tasks.announce_anonymous"


@shared_task(name=EIGS_REMINDERS, ignore_result=True)
def eigs_reminders() -> int:
    """Send each EIGS reminder step reached today, once."""
    sent = reminders.run()
    log.info("quality: %d EIGS reminder(s) sent", sent)
    return sent


@shared_task(name=ANONYMOUS_JOURNAL, ignore_result=True)
def anonymous_journal() -> int:
    """Journal the anonymous declarations of the days before, together, in random order, with their day only."""
    written = declaring.journal_anonymous_declarations()
    log.info("quality: %d anonymous declaration(s) journaled", written)
    return written


@shared_task(name=ANNOUNCE_ANONYMOUS, ignore_result=True)
def announce_anonymous() -> int:
    """Tell the referents of the anonymous declarations of the past hour, together."""
    told = declaring.announce_anonymous_declarations()
    log.info("quality: %d anonymous declaration(s) announced", told)
    return told
