"""Alert broadcasting: one delivery per recipient and channel, answers, escalation."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the alerts' pages, API, webhooks, beat entry and home card."""
    from crisis_app.alerts import api as alerts_api
    from crisis_app.alerts import home, views  # noqa: F401 - home registers its card
    from crisis_app.core.notifications import models  # noqa: F401 - the outbox table

    app.register_blueprint(views.bp)
    app.register_blueprint(views.answer_bp)
    api.register_blueprint(alerts_api.bp)
    api.register_blueprint(alerts_api.webhooks)
    app.extensions["celery"].conf.beat_schedule["alerts-sweep"] = {
        "task": "crisis_app.alerts.tasks.sweep", "schedule": app.config["ALERT_SWEEP_SECONDS"]}
    from crisis_app.alerts import tasks  # noqa: F401 - task registration
