"""Outbound notifications: the outbox (messages, recipients, attachments, deliveries), its engine, and a small
channel interface over apprise and SMTP. Every domain sends through ``outbox.send_message``.

A channel turns an ``OutgoingMessage`` into one send to one recipient and raises
``TransportError(permanent=...)`` when it fails. ``registry.channel_for(kind)`` builds the channel a
configuration names; the embedded default sends everything to the built-in outbox table.

What comes back goes through ``webhooks``: delivery receipts update the deliveries; SMS replies go to the handler the
message's domain registered with ``outbox.reply_handler(topic)`` (as it registers ``outbox.renderer(topic)``).
"""

from crisis_app.core.notifications.base import (
    Channel,
    FileAttachment,
    OutgoingMessage,
    SendReceipt,
    TransportError,
)

__all__ = ["Channel", "FileAttachment", "OutgoingMessage", "SendReceipt", "TransportError"]


def init_app(app) -> None:
    """The outbox pages, the providers' webhooks, the engine's tasks and the sweeper's beat entry."""
    from crisis_app.core.extensions import api
    from crisis_app.core.notifications import tasks, views, webhooks  # noqa: F401 - task registration

    app.register_blueprint(views.bp)
    api.register_blueprint(webhooks.bp)
    app.extensions["celery"].conf.beat_schedule["outbox-sweep"] = {
        "task": "vigie.outbox.sweep", "schedule": app.config["ALERT_SWEEP_SECONDS"]}
