"""Beat tasks of the sessions: each planned session's anonymised agenda a week ahead; the recurring series'
occurrences created six months ahead."""

from __future__ import annotations

import logging

from celery import shared_task

from quality.sessions import series
from quality.sessions import services as sessions

log = logging.getLogger(__name__)

AGENDAS = "quality.tasks.session_agendas"


@shared_task(name=AGENDAS, ignore_result=True)
def session_agendas() -> int:
    """Send each planned session's anonymised agenda once, a week ahead."""
    sent = sessions.agendas_due()
    log.info("quality: %d agenda(s) sent", sent)
    return sent



SERIES_TOP_UP = "quality.tasks.session_series_top_up"


@shared_task(name=SERIES_TOP_UP, ignore_result=True)
def session_series_top_up() -> int:
    """Create each active series' occurrences six months ahead (the rule gives one more as time passes)."""
    created = series.top_up_all()
    log.info("quality: %d recurring session(s) created ahead", created)
    return created
