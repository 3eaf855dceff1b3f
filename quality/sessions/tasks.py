"""Tasks of the sessions: each planned session's anonymised agenda a week ahead; the recurring series' occurrences
created six months ahead (beat); the minutes sent to the participants once their PDF is made."""

from __future__ import annotations

import logging

from celery import shared_task

from quality.sessions import agenda as session_agenda
from quality.sessions import minutes, series

log = logging.getLogger(__name__)

AGENDAS = "quality.tasks.session_agendas"


@shared_task(name=AGENDAS, ignore_result=True)
def session_agendas() -> int:
    """Send each planned session's anonymised agenda once, a week ahead."""
    sent = session_agenda.agendas_due()
    log.info("quality: %d agenda(s) sent", sent)
    return sent


SERIES_TOP_UP = "quality.tasks.session_series_top_up"


@shared_task(name=SERIES_TOP_UP, ignore_result=True)
def session_series_top_up() -> int:
    """Create each active series' occurrences six months ahead (the rule gives one more as time passes)."""
    created = series.top_up_all()
    log.info("quality: %d recurring session(s) created ahead", created)
    return created


SEND_MINUTES = "quality.tasks.send_minutes"


# own_transactions: the PDF's making commits its progress on its own; the message is one unit once it is made
@shared_task(name=SEND_MINUTES, bind=True, ignore_result=True, own_transactions=True, max_retries=60)
def send_minutes(self, session_id: int, actor_id: int | None) -> str:
    """Send a session's minutes to its participants, with the kept PDF (made first if need be)."""
    outcome = minutes.send(session_id=session_id, actor_id=actor_id)
    if outcome == "waiting":  # another worker is making the PDF: ask again in a moment
        raise self.retry(countdown=5)
    log.info("quality: minutes of session %s: %s", session_id, outcome)
    return outcome
