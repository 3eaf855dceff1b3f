"""Drills' background work: the beat launches the scheduled drills whose time has come, each once."""

from __future__ import annotations

import logging

from celery import shared_task

from crisis_app.alerts.drills import services
from crisis_app.core.db import atomic, utcnow
from crisis_app.core.errors import ServiceError

log = logging.getLogger(__name__)

LAUNCH_DUE = "crisis_app.alerts.drills.tasks.launch_due"


# own_transactions: each drill is its own unit, so one that cannot leave neither blocks nor undoes the others
@shared_task(name=LAUNCH_DUE, ignore_result=True, own_transactions=True)
def launch_due() -> int:
    """Launch every scheduled drill now due (Celery beat, every minute); a refused one records why."""
    now, launched = utcnow(), 0
    with atomic():
        due = services.due_ids(now)
    for drill_id in due:
        try:
            with atomic():
                launched += services.launch_due_one(drill_id=drill_id, now=now)
        except ServiceError as exc:
            if exc.status == 409:  # launched meanwhile by a référent or another beat: nothing to record
                continue
            with atomic():
                services.record_failure(drill_id=drill_id, reason=exc.message)
            log.warning("drill %s not launched: %s", drill_id, exc.code)
    if launched:
        log.info("drills: %d launched", launched)
    return launched
