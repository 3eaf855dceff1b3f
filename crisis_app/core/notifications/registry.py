"""Which transport serves which channel, from the configuration (never shown back in the UI)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from crisis_app.core.notifications.base import Channel
from crisis_app.core.notifications.ratelimit import TokenBuckets
from crisis_app.core.notifications.transports import AppriseChannel, JsonHttpChannel, OutboxChannel, SmtpChannel

SMS, EMAIL, ROOM_PREFIX = "sms", "email", "room:"


@dataclass(frozen=True)
class ChannelInfo:
    kind: str
    label: str
    per_person: bool  # False: a room gets one message per alert, not one per recipient


def available_channels() -> list[ChannelInfo]:
    """The channels a référent may choose, in the order they are offered."""
    config = current_app.config
    outbox = config["DELIVERY_MODE"] == "outbox"
    channels = []
    if outbox or config["SMS_URL"]:
        channels.append(ChannelInfo(SMS, "SMS", True))
    if outbox or config["SMTP_URL"]:
        channels.append(ChannelInfo(EMAIL, "E-mail", True))
    for name in config["ROOM_CHANNELS"]:
        channels.append(ChannelInfo(ROOM_PREFIX + name, f"Salon « {name} »", False))
    return channels


def channel_for(kind: str, provider: str | None = None) -> Channel:
    """A fresh transport for ``kind`` (one per batch: it may hold a connection; HTTP sessions outlive it);
    ``provider="backup"``: the channel's second provider (SMS failover)."""
    config = current_app.config
    if kind.startswith(ROOM_PREFIX):
        url = config["ROOM_CHANNELS"].get(kind[len(ROOM_PREFIX):])
        if url is None:
            raise KeyError(kind)
        return OutboxChannel(kind) if config["DELIVERY_MODE"] == "outbox" else \
            AppriseChannel(kind, url, threads=config["SEND_THREADS"])
    if config["DELIVERY_MODE"] == "outbox":
        return OutboxChannel(kind)
    if kind == SMS and config["SMS_URL"]:
        # an HTTP JSON gateway (the volume) on kept-open connections; any other apprise service through apprise
        url = config["SMS_BACKUP_URL"] if provider == "backup" and config["SMS_BACKUP_URL"] else config["SMS_URL"]
        if JsonHttpChannel.handles(url):
            return JsonHttpChannel(SMS, url, threads=config["SEND_THREADS"])
        return AppriseChannel(SMS, url, threads=config["SEND_THREADS"])
    if kind == EMAIL and config["SMTP_URL"]:
        return SmtpChannel(config["SMTP_URL"], config["MAIL_FROM"])
    raise KeyError(kind)


def buckets() -> TokenBuckets:
    """The process's token buckets (one Redis-backed set per app)."""
    ext = current_app.extensions
    if "vigie_buckets" not in ext:
        ext["vigie_buckets"] = TokenBuckets(current_app.config["CHANNEL_RATES"], current_app.config["REDIS_URL"])
    return ext["vigie_buckets"]
