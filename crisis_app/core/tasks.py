"""Core background work: the worker heartbeat read by /healthz."""

from __future__ import annotations

import logging
import socket

from celery import shared_task
from celery.signals import worker_ready

from crisis_app.core import health

log = logging.getLogger(__name__)


@shared_task(name="crisis_app.core.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(hostname: str | None = None) -> None:
    """Write that this worker ran a task just now."""
    name = hostname or socket.gethostname()
    health.record_heartbeat(hostname=name)
    log.debug("heartbeat recorded for %s", name)


@worker_ready.connect
def _announce_worker(sender=None, **_kwargs):
    # Runs in the worker's main process as soon as it consumes: /healthz turns green without
    # waiting for the first beat tick.
    record_heartbeat.delay(getattr(sender, "hostname", None))
