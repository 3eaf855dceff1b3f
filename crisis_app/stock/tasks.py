"""Stock background work: the daily check of thresholds and expiry dates (Celery beat, 06:00)."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from crisis_app.stock import checks, query

log = logging.getLogger(__name__)

DAILY_CHECK = "crisis_app.stock.tasks.daily_check"


@shared_task(name=DAILY_CHECK, ignore_result=True)
def daily_check() -> int:
    """Flag items under their threshold and lots expiring soon; return how many warnings were found."""
    days = int(current_app.config.get("STOCK_EXPIRY_WARNING_DAYS", query.DEFAULT_EXPIRY_WARNING_DAYS))
    found, told = checks.check_and_notify(warning_days=days)
    log.info("stock check: %d warning(s), expiry horizon %d days, %d référent(s) notified", len(found), days, told)
    return len(found)
