"""EIGS part-2 reminders: J-30, J-7, the due date, then each week late, each step sent once.

The step's row is inserted with ON CONFLICT DO NOTHING on (event, step): of two beats running at once, the one
whose insert lands sends; the other inserts nothing and sends nothing. The row, the outbox message and the audit
row commit together, so a failed commit sends nothing and the next beat tries again.
"""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from quality import notify
from quality.register import messages, rules
from quality.register.models import AdverseEvent, EigsReminder
from quality.register.services import quality_referents

log = logging.getLogger(__name__)


def pending_part2() -> list[AdverseEvent]:
    """EIGS whose part 1 went to the ARS and whose part 2 has not."""
    return list(db.session.scalars(sa.select(AdverseEvent).where(
        AdverseEvent.is_eigs.is_(True), AdverseEvent.eigs_part2_due_on.isnot(None),
        AdverseEvent.eigs_part2_sent_on.is_(None)).order_by(AdverseEvent.eigs_part2_due_on)))


def _claim(event_id: int, step: str, due_on: date) -> int | None:
    """Insert the step's row unless it exists; the new row's id, or None when another run has it."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(EigsReminder).values(event_id=event_id, step=step, due_on=due_on, sent_at=utcnow(),
                                        recipient_count=0)
            .on_conflict_do_nothing(index_elements=["event_id", "step"]).returning(EigsReminder.id))
    return db.session.execute(stmt).scalar_one_or_none()


def remind_event(event: AdverseEvent, *, today: date) -> bool:
    """Send the reminder step reached today for one EIGS, unless it was sent; True when sent now."""
    reached = rules.reminder_step(event.eigs_part2_due_on, today)
    if reached is None:
        return False
    step, step_date = reached
    reminder_id = _claim(event.id, step, step_date)
    if reminder_id is None:
        db.session.rollback()
        return False
    count = notify.send(messages.eigs_reminder(event, step, quality_referents()))
    db.session.execute(sa.update(EigsReminder).where(EigsReminder.id == reminder_id).values(recipient_count=count))
    audit.record(actor=None, action="quality.eigs.reminder", object_type="adverse_event", object_id=event.id,
                 summary=f"{event.reference} : rappel partie 2 EIGS "
                         f"{messages.step_phrase(step, event.eigs_part2_due_on)} ({count} destinataire(s))")
    db.session.commit()
    return True


def run(*, today: date | None = None) -> int:
    """One beat: send every reminder step reached and not yet sent; returns how many were sent."""
    today = today or utcnow().date()
    sent = sum(remind_event(event, today=today) for event in pending_part2())
    log.info("EIGS reminders: %d sent", sent)
    return sent
