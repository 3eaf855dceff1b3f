"""Celery bound to the Flask app: tasks run inside an app context, pushed only when none is active."""

from __future__ import annotations

import sys

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_process_init
from flask import Flask, has_app_context

from crisis_app.core.db import atomic


@worker_process_init.connect
def _let_pool_processes_finish(**_kwargs):
    """Celery has Linux SIGKILL each pool process the instant its main process dies. A process killed between a
    provider accepting a message and the commit recording it leaves a send that is neither recorded nor safe to
    repeat. We clear that signal: a pool process whose parent died finishes the group it is sending, records it,
    and stops (``alerts.engine.send_deliveries`` checks its parent between groups; billiard exits on the closed
    pipe once the task returns)."""
    if sys.platform.startswith("linux"):
        from billiard.util import set_pdeathsig

        set_pdeathsig(0)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        """A task is an entry point: one unit of work (core.db.atomic), unless it declares ``own_transactions``
        (the delivery engine's tasks, whose short commits are the point)."""

        own_transactions = False

        def __call__(self, *args, **kwargs):
            # Eager calls from a request or a test already run inside the app's context.
            if has_app_context():
                return self._run_unit(*args, **kwargs)
            with app.app_context():
                return self._run_unit(*args, **kwargs)

        def _run_unit(self, *args, **kwargs):
            if self.own_transactions:
                return self.run(*args, **kwargs)
            with atomic():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.conf.beat_schedule = {
        "worker-heartbeat": {
            "task": "crisis_app.core.tasks.record_heartbeat",
            "schedule": float(app.config["WORKER_HEARTBEAT_SECONDS"]),
        },
        "forget-old-sms-replies": {
            "task": "crisis_app.core.tasks.forget_old_sms_replies",
            "schedule": crontab(hour=3, minute=20),
        },
    }
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
