"""Alert broadcasting: one delivery per recipient and channel, answers, escalation."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the alerts' pages, API, SMS reply handler, beat entry and home card."""
    from crisis_app.alerts import api as alerts_api
    from crisis_app.alerts import home, messages, views  # noqa: F401 - home registers its card, messages its renderer

    app.register_blueprint(views.bp)
    app.register_blueprint(views.answer_bp)
    api.register_blueprint(alerts_api.bp)
