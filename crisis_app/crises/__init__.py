"""Crises: qualification, gradation, cellule de crise, journal de bord, RETEX."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the crises' pages, API, commands and the subscribers that write Vigie's own journal lines."""
    from crisis_app.crises import cli, models, subscribers, views  # noqa: F401 - tables known to migrations

    app.register_blueprint(views.bp)
    cli.register(app)
    subscribers.connect()
