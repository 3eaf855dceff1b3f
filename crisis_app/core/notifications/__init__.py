"""Outbound notifications: a small channel interface over apprise and SMTP.

A channel turns an ``OutgoingMessage`` into one send to one recipient and raises
``TransportError(permanent=...)`` when it fails. ``registry.channel_for(kind)`` builds the channel a
configuration names; the embedded default sends everything to the built-in outbox table.
"""

from crisis_app.core.notifications.base import Channel, OutgoingMessage, SendReceipt, TransportError

__all__ = ["Channel", "OutgoingMessage", "SendReceipt", "TransportError"]
