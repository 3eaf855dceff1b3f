"""Beat task of the sessions: each planned session's anonymised agenda, a week ahead."""

from __future__ import annotations

import logging

from celery import shared_task

from quality.sessions import services as sessions

log = logging.getLogger(__name__)

AGENDAS = "quality.tasks.session_agendas"


@shared_task(name=AGENDAS, ignore_result=True)
def session_agendas() -> int:
    """Send each planned session's anonymised agenda once, a week ahead."""
    sent = sessions.agendas_due()
    log.info("quality: %d agenda(s) sent", sent)
    return sent

