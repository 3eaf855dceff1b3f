"""The one reminder engine: a deadline's steps (J-n before, the due date, then every N days late), each sent once.

A step's row in the ledger (``ReminderStep``) is inserted with ON CONFLICT DO NOTHING on (kind, subject, step): of
two beats running at once only the one whose insert lands sends; the row, the outbox message and the audit row
belong to the same unit of work, so a failed unit sends nothing and the next beat tries again. Each deadline is
sent in its own savepoint: one that fails does not stop the others.

Two kinds of deadline use it: the action plan's due dates (below) and the EIGS part 2, whose schedule quality
passes in (``quality/reminders.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crisis_app.actionplan.models import ActionPlanSettings, CorrectiveAction, ReminderStep
from crisis_app.actionplan.schedule import Schedule, reached
from crisis_app.actionplan.vocab import OPEN, SourceKind
from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.outbox import Recipient
from crisis_app.core.roles import Role
from crisis_app.directory.contacts import crisis_referents, recipient_for

log = logging.getLogger(__name__)
ACTION = "action"
__all__ = ["Schedule", "reached", "run", "send_once", "steps_sent"]


def _claim(kind: str, subject_id: int, step: str, due_on: date) -> int | None:
    """Insert the step's row unless it exists; the new row's id, or None when another beat has it."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (insert(ReminderStep).values(kind=kind, subject_id=subject_id, step=step, due_on=due_on,
                                        sent_at=utcnow(), recipient_count=0)
            .on_conflict_do_nothing(index_elements=["kind", "subject_id", "step"]).returning(ReminderStep.id))
    return db.session.execute(stmt).scalar_one_or_none()


def send_once(*, kind: str, subject_id: int, due_on: date, today: date, schedule: Schedule,
              send: Callable[[str], int]) -> bool:
    """Send the step reached today for one deadline unless it was sent: ``send(step)`` writes the message (and its
    audit row) and returns how many people it is for. True when sent now."""
    step = reached(schedule, due_on, today)
    if step is None:
        return False
    with atomic(savepoint=True):
        reminder_id = _claim(kind, subject_id, step[0], step[1])
        if reminder_id is None:
            return False
        count = send(step[0])
        db.session.execute(sa.update(ReminderStep).where(ReminderStep.id == reminder_id)
                           .values(recipient_count=count))
    return True


def steps_sent(kind: str, subject_id: int) -> list[str]:
    """The steps already sent for one deadline, in order."""
    return list(db.session.scalars(sa.select(ReminderStep.step).where(
        ReminderStep.kind == kind, ReminderStep.subject_id == subject_id).order_by(ReminderStep.id)))


def forget(kind: str, subject_id: int) -> None:
    """Drop a deadline's steps (its subject is deleted)."""
    db.session.execute(sa.delete(ReminderStep).where(ReminderStep.kind == kind, ReminderStep.subject_id == subject_id))


# --- the action plan's due dates -----------------------------------------------------------------------------


def overdue_every_days() -> int:
    row = db.session.scalar(sa.select(ActionPlanSettings).order_by(ActionPlanSettings.id).limit(1))
    return row.overdue_every_days if row else 7


def action_schedule(every: int) -> Schedule:
    """J-10, the due date, then every ``every`` days late (the coordinator's setting)."""
    return Schedule(before=(("j-10", 10), ("echeance", 0)), late_every=every)


def step_for(due_on: date, today: date, every: int) -> tuple[str, date] | None:
    """The action step reached on ``today``: ``j-10``, ``echeance``, then ``retard-1``… every ``every`` days."""
    return reached(action_schedule(every), due_on, today)


def recipients(action: CorrectiveAction) -> list[Recipient]:
    """The owner; an owner known only by name is reminded through the source's referents (crisis referents for a
    RETEX, quality referents otherwise)."""
    if action.owner_professional is not None:
        return [recipient_for(action.owner_professional, ("email",))]
    if action.owner_user is not None:
        user = action.owner_user
        return [Recipient(name=user.full_name, email=user.email if user.active else None, ref_type="user",
                          ref_id=user.id)]
    if action.source_type == SourceKind.RETEX:
        return [recipient_for(p, ("email",)) for p in crisis_referents()]
    users = db.session.scalars(sa.select(User).where(User.role == Role.QUALITY_REFERENT, User.active.is_(True))
                               .order_by(User.id))
    return [Recipient(name=u.full_name, email=u.email, ref_type="user", ref_id=u.id) for u in users]


def _phrase(step: str, due_on: date) -> str:
    if step == "j-10":
        return f"arrive à échéance dans 10 jours (le {due_on:%d/%m/%Y})"
    if step == "echeance":
        return f"arrive à échéance aujourd'hui ({due_on:%d/%m/%Y})"
    return f"est en retard : l'échéance était le {due_on:%d/%m/%Y}"


REMINDER_TOPIC = "quality.action_reminder"
outbox.TOPIC_LABELS[REMINDER_TOPIC] = "Rappel d'action"


def _send_action_reminder(action: CorrectiveAction, step: str) -> int:
    owner = f"dont {action.owner_note} est responsable" if action.owner_note and not (
        action.owner_professional or action.owner_user) else "dont vous êtes responsable"
    text = (f"Bonjour,\n\nL'action n° {action.id} « {action.title} » ({action.source_label}) {owner} "
            f"{_phrase(step, action.due_on)}.\nStatut : {action.status.label}. Une fois réalisée, notez la preuve "
            "dans Vigie.\n\nVigie — plan d'actions")
    message = outbox.send_message(topic=REMINDER_TOPIC, subject=f"Action : {action.title[:80]}",
                                  email_text=text, recipients=recipients(action), channels=("email",),
                                  first_channel_only=True, about=("quality_action", action.id),
                                  label="Responsable de l'action")
    audit.record(actor=None, action="quality.action.reminder", object_type="quality_action", object_id=action.id,
                 summary=f"Action n° {action.id} : rappel « {step} » ({message.recipient_count} destinataire(s))")
    return message.recipient_count


def remind(action: CorrectiveAction, *, today: date, every: int) -> bool:
    """Send the action's step reached today unless it was sent; True when sent now."""
    if action.due_on is None:
        return False
    return send_once(kind=ACTION, subject_id=action.id, due_on=action.due_on, today=today,
                     schedule=action_schedule(every), send=lambda step: _send_action_reminder(action, step))


def run(*, today: date | None = None) -> int:
    """One beat: every open action's reached step, once, whatever its source; returns how many were sent."""
    today = today or utcnow().date()
    every = overdue_every_days()
    ids = list(db.session.scalars(sa.select(CorrectiveAction.id).where(
        CorrectiveAction.status.in_(OPEN), CorrectiveAction.due_on <= today + timedelta(days=10))
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)))
    sent = sum(remind(db.session.get(CorrectiveAction, i), today=today, every=every) for i in ids)
    log.info("action plan reminders: %d sent", sent)
    return sent
