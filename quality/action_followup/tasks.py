"""Beat task of the actions: remind each open action's owner (J-10, the due date, then every N days late)."""

from __future__ import annotations

from celery import shared_task

from crisis_app.actionplan import reminders as action_plan_reminders

ACTION_REMINDERS = "quality.tasks.action_reminders"


@shared_task(name=ACTION_REMINDERS, ignore_result=True)
def action_reminders_task() -> int:
    """Remind each open action's owner at J-10, on the due date, then every N days late; each step once."""
    return action_plan_reminders.run()
