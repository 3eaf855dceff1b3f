"""Celery tasks of the delivery engine: each loads ids, calls one engine function, logs."""

from __future__ import annotations

import logging

from celery import shared_task

from crisis_app.alerts import engine

log = logging.getLogger(__name__)


@shared_task(name="crisis_app.alerts.tasks.dispatch_alert", ignore_result=True)
def dispatch_alert(alert_id: int) -> None:
    count = engine.dispatch(alert_id)
    log.info("alert %s: %s deliveries enqueued", alert_id, count)


@shared_task(name="crisis_app.alerts.tasks.send_batch", ignore_result=True)
def send_batch(delivery_ids: list[int]) -> None:
    figures = engine.send_deliveries(list(delivery_ids))
    log.info("batch of %s: %s", len(delivery_ids), figures)


@shared_task(name="crisis_app.alerts.tasks.sweep", ignore_result=True)
def sweep() -> None:
    figures = engine.sweep()
    if any(figures.values()):
        log.info("sweep: %s", figures)
