"""Core background work: the worker heartbeat read by /healthz."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

import sqlalchemy as sa
from celery import shared_task
from celery.signals import worker_ready

from crisis_app.core import health
from crisis_app.core.db import db, utcnow

log = logging.getLogger(__name__)


@shared_task(name="crisis_app.core.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(hostname: str | None = None) -> None:
    """Write that this worker ran a task just now."""
    name = hostname or socket.gethostname()
    health.record_heartbeat(hostname=name)
    log.debug("heartbeat recorded for %s", name)


@shared_task(name="crisis_app.core.tasks.send_password_reset", ignore_result=True)
def send_password_reset(email: str) -> None:
    """Send a « mot de passe oublié » link if ``email`` is an active account's (queued for every request alike)."""
    from crisis_app.core.auth import passwords

    passwords.send_reset_link(email)


# A signed SMS reply older than five minutes is refused by its signature; the provider ids are kept a month, for
# the unsigned set-ups (a local gateway) and for the inquiries, then forgotten: the table does not grow forever.
SMS_REPLY_MEMORY_DAYS = 30


@shared_task(name="crisis_app.core.tasks.forget_old_sms_replies", ignore_result=True)
def forget_old_sms_replies(days: int = SMS_REPLY_MEMORY_DAYS) -> int:
    """Delete the SMS replies' provider ids received more than ``days`` days ago; how many."""
    from crisis_app.core.notifications.models import ReceivedReply

    cutoff = utcnow() - timedelta(days=days)
    return db.session.execute(sa.delete(ReceivedReply).where(ReceivedReply.received_at < cutoff)).rowcount


@worker_ready.connect
def _announce_worker(sender=None, **_kwargs):
    # Runs in the worker's main process as soon as it consumes: /healthz turns green without
    # waiting for the first beat tick.
    record_heartbeat.delay(getattr(sender, "hostname", None))
