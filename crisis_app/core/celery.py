"""Celery bound to the Flask app: tasks run inside an app context, pushed only when none is active."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask, has_app_context


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # Eager calls from a request or a test already run inside the app's context.
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.conf.beat_schedule = {
        "worker-heartbeat": {
            "task": "crisis_app.core.tasks.record_heartbeat",
            "schedule": float(app.config["WORKER_HEARTBEAT_SECONDS"]),
        },
    }
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
