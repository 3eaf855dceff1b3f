"""Beat tasks of the quality programme's part 2: agendas a week ahead, action reminders (daily)."""

from __future__ import annotations

import logging

from celery import shared_task

from quality import action_reminders, sessions

log = logging.getLogger(__name__)

AGENDAS = "quality.tasks.session_agendas"
ACTION_REMINDERS = "quality.tasks.action_reminders"


@shared_task(name=AGENDAS, ignore_result=True)
def session_agendas() -> int:
    """Send each planned session's anonymised agenda once, a week ahead."""
    sent = sessions.agendas_due()
    log.info("quality: %d agenda(s) sent", sent)
    return sent


@shared_task(name=ACTION_REMINDERS, ignore_result=True)
def action_reminders_task() -> int:
    """Remind each open action's owner at J-10, on the due date, then every N days late; each step once."""
    return action_reminders.run()
