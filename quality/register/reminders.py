"""EIGS part-2 reminders: J-30, J-7, the due date, then each week late, each step sent once.

The steps go through the action plan's one reminder engine and ledger (crisis_app.actionplan.reminders), with the
EIGS schedule of quality's rules (``rules.EIGS_SCHEDULE``): of two beats running at once, the one whose step row
lands sends; the row, the outbox message and the audit row belong to the caller's unit of work, so a failed unit
sends nothing and the next beat tries again.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa

from crisis_app.actionplan import reminders as engine
from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.formats import pluriel
from quality import notify
from quality.register import messages, rules
from quality.register.models import AdverseEvent
from quality.register.services import quality_referents

log = logging.getLogger(__name__)
KIND = "eigs_part2"


def pending_part2() -> list[AdverseEvent]:
    """EIGS whose part 1 went to the ARS and whose part 2 has not."""
    return list(db.session.scalars(sa.select(AdverseEvent).where(
        AdverseEvent.is_eigs.is_(True), AdverseEvent.eigs_part2_due_on.isnot(None),
        AdverseEvent.eigs_part2_sent_on.is_(None)).order_by(AdverseEvent.eigs_part2_due_on)))


def _send(event: AdverseEvent, step: str) -> int:
    count = notify.send(messages.eigs_reminder(event, step, quality_referents()))
    audit.record(actor=None, action="quality.eigs.reminder", object_type="adverse_event", object_id=event.id,
                 summary=f"{event.reference} : rappel partie 2 EIGS "
                         f"{messages.step_phrase(step, event.eigs_part2_due_on)} "
                         f"({pluriel(count, 'destinataire', 'destinataires')})")
    return count


def remind_event(event: AdverseEvent, *, today: date) -> bool:
    """Send the reminder step reached today for one EIGS, unless it was sent; True when sent now."""
    return engine.send_once(kind=KIND, subject_id=event.id, due_on=event.eigs_part2_due_on, today=today,
                            schedule=rules.EIGS_SCHEDULE, send=lambda step: _send(event, step))


def steps_sent(event_id: int) -> list[str]:
    """The part-2 reminder steps already sent for one EIGS, in order."""
    return engine.steps_sent(KIND, event_id)


def run(*, today: date | None = None) -> int:
    """One beat: send every reminder step reached and not yet sent; returns how many were sent."""
    today = today or utcnow().date()
    sent = sum(remind_event(event, today=today) for event in pending_part2())
    log.info("EIGS reminders: %d sent", sent)
    return sent
