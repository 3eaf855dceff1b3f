"""Celery tasks of the delivery engine: each loads ids, calls one engine function, logs."""

from __future__ import annotations

import itertools
import logging
import os
import time
from pathlib import Path

from celery import shared_task
from celery.signals import worker_process_init

from crisis_app.core.notifications import engine

log = logging.getLogger(__name__)


@shared_task(name="vigie.outbox.dispatch", ignore_result=True, own_transactions=True)
def dispatch_message(message_id: int) -> None:
    count = engine.dispatch(message_id)
    log.info("message %s: %s deliveries enqueued", message_id, count)


@shared_task(name="vigie.outbox.send_batch", ignore_result=True, own_transactions=True)
def send_batch(delivery_ids: list[int]) -> None:
    profile_dir = os.environ.get("VIGIE_PROFILE_BATCH_DIR")
    if next(_batches_run) == 2 and profile_dir:
        figures = _profiled_batch(list(delivery_ids), Path(profile_dir))
    else:
        figures = engine.send_deliveries(list(delivery_ids))
    log.info("batch of %s: %s", len(delivery_ids), figures)


_batches_run = itertools.count(1)  # numbers this pool process's batches, for the profile of the second


def _profiled_batch(delivery_ids: list[int], directory: Path) -> dict[str, int]:
    """The benchmark's view of where a batch's CPU goes: the second batch a pool process runs (the first pays for
    imports and connections) is profiled (CPU time of the task's thread) and written to ``directory``
    (``VIGIE_PROFILE_BATCH_DIR``)."""
    import cProfile

    profile = cProfile.Profile(time.process_time)  # CPU, not wall time: where the batch's CPU goes
    figures = profile.runcall(engine.send_deliveries, delivery_ids)
    directory.mkdir(parents=True, exist_ok=True)
    profile.dump_stats(directory / f"batch-{os.getpid()}-{len(delivery_ids)}.pstats")
    return figures


@shared_task(name="vigie.outbox.sweep", ignore_result=True, own_transactions=True)
def sweep() -> None:
    figures = engine.sweep()
    if any(figures.values()):
        log.info("sweep: %s", figures)


@worker_process_init.connect
def _load_apprise_plugins(**_kwargs) -> None:
    # apprise imports its ~130 plugins on first use (about 1 s): pay it when a pool process starts, not during the
    # first batch of an alert.
    from apprise.plugins import N_MGR

    N_MGR.load_modules()
