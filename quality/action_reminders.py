"""Action reminders: J-10, the due date, then every N days late (N set by the coordinator), each step once.

As for the EIGS reminders, the step's row is inserted with ON CONFLICT DO NOTHING on (action, step): of two beats
running at once only the one whose insert lands sends; the row, the outbox message and the audit row commit
together.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.outbox import Recipient
from crisis_app.directory.contacts import recipient_for
from quality.models_actions import ActionReminder, CorrectiveAction, ProgrammeSettings
from quality.vocab_sessions import ActionStatus

log = logging.getLogger(__name__)
OPEN = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.INEFFECTIVE)


def overdue_every_days() -> int:
    row = db.session.scalar(sa.select(ProgrammeSettings).order_by(ProgrammeSettings.id).limit(1))
    return row.overdue_every_days if row else 7


def step_for(due_on: date, today: date, every: int) -> tuple[str, date] | None:
    """The latest step reached on ``today``: ``j-10``, ``echeance``, then ``retard-1``, ``retard-2``… every
    ``every`` days; a beat that missed days sends the latest step only."""
    late = (today - due_on).days
    if late >= every:
        n = late // every
        return f"retard-{n}", due_on + timedelta(days=n * every)
    if late >= 0:
        return "echeance", due_on
    if late >= -10:
        return "j-10", due_on - timedelta(days=10)
    return None


def _claim(action_id: int, step: str, due_on: date) -> int | None:
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (insert(ActionReminder).values(action_id=action_id, step=step, due_on=due_on, sent_at=utcnow(),
                                          recipient_count=0)
            .on_conflict_do_nothing(index_elements=["action_id", "step"]).returning(ActionReminder.id))
    return db.session.execute(stmt).scalar_one_or_none()


def _owner(action: CorrectiveAction) -> Recipient:
    if action.owner_professional is not None:
        return recipient_for(action.owner_professional, ("email",))
    user = action.owner_user
    return Recipient(name=user.full_name, email=user.email if user.active else None, ref_type="user",
                     ref_id=user.id)


def _phrase(step: str, due_on: date) -> str:
    if step == "j-10":
        return f"arrive à échéance dans 10 jours (le {due_on:%d/%m/%Y})"
    if step == "echeance":
        return f"arrive à échéance aujourd'hui ({due_on:%d/%m/%Y})"
    return f"est en retard : l'échéance était le {due_on:%d/%m/%Y}"


def remind(action: CorrectiveAction, *, today: date, every: int) -> bool:
    reached = step_for(action.due_on, today, every)
    if reached is None:
        return False
    step, step_date = reached
    reminder_id = _claim(action.id, step, step_date)
    if reminder_id is None:
        db.session.rollback()
        return False
    phrase = _phrase(step, action.due_on)
    text = (f"Bonjour,\n\nL'action n° {action.id} « {action.title} » dont vous êtes responsable {phrase}.\n"
            f"Statut : {action.status.label}. Une fois réalisée, notez la preuve dans Vigie.\n\n"
            "Vigie — qualité et sécurité des soins")
    message = outbox.send_message(topic="quality.action_reminder", subject=f"Action qualité : {action.title[:80]}",
                                  email_text=text, recipients=[_owner(action)], channels=("email",),
                                  first_channel_only=True, about=("quality_action", action.id),
                                  label="Responsable de l'action")
    db.session.execute(sa.update(ActionReminder).where(ActionReminder.id == reminder_id)
                       .values(recipient_count=message.recipient_count))
    audit.record(actor=None, action="quality.action.reminder", object_type="quality_action", object_id=action.id,
                 summary=f"Action n° {action.id} : rappel « {step} » ({message.recipient_count} destinataire(s))")
    db.session.commit()
    return True


def run(*, today: date | None = None) -> int:
    """One beat: every open action's reached step, once; returns how many reminders were sent."""
    today = today or utcnow().date()
    every = overdue_every_days()
    ids = list(db.session.scalars(sa.select(CorrectiveAction.id).where(
        CorrectiveAction.status.in_(OPEN), CorrectiveAction.due_on <= today + timedelta(days=10))
        .order_by(CorrectiveAction.due_on)))
    sent = sum(remind(db.session.get(CorrectiveAction, i), today=today, every=every) for i in ids)
    log.info("quality action reminders: %d sent", sent)
    return sent
