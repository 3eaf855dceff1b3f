"""A person's answers over the year, for the référent: how often asked, answered, available, how fast.

Only alerts that asked a question count as "asked"; "available" reads the person's last answer to each
(core.vocabulary.is_available: « Non disponible » or « Je ne peux pas » are not); the time to answer runs from when
the person was asked (the alert, or later when a complement added them) to their first answer. Exercises count
too (a drill is a real measure of the chain) and are marked. Never shown to other professionals
(``alerts.history``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from crisis_app.alerts.models import Alert, AlertAnswer, AlertRecipient
from crisis_app.core.db import db, utcnow
from crisis_app.core.vocabulary import QuestionKind, is_available

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Asked:
    """One alert the person was asked: when, their current answer, and the minutes to their first answer."""

    alert_id: int
    title: str
    is_exercise: bool
    asked_at: datetime
    answer: str | None
    available: bool | None
    minutes_to_answer: float | None


def summarise(rows: list[Asked]) -> dict:
    """The figures of a person's year (pure): asked, answered, available, declined, median minutes to answer."""
    delays = [r.minutes_to_answer for r in rows if r.minutes_to_answer is not None]
    answered = sum(1 for r in rows if r.answer is not None)
    return {"asked": len(rows), "answered": answered, "silent": len(rows) - answered,
            "available": sum(1 for r in rows if r.available), "declined": sum(1 for r in rows if r.available is False),
            "answer_rate": answered / len(rows) if rows else None,
            "median_minutes": statistics.median(delays) if delays else None}


def asked_of(professional_id: int, *, since: datetime) -> list[Asked]:
    """The alerts with a question this person was asked since ``since``, newest first."""
    first_answer = (sa.select(AlertAnswer.recipient_id, sa.func.min(AlertAnswer.at).label("first_at"))
                    .group_by(AlertAnswer.recipient_id).subquery())
    rows = db.session.execute(
        sa.select(AlertRecipient, Alert, first_answer.c.first_at).join(Alert)
        .outerjoin(first_answer, first_answer.c.recipient_id == AlertRecipient.id)
        .where(AlertRecipient.professional_id == professional_id, Alert.question_kind != QuestionKind.NONE,
               Alert.created_at >= since)
        .order_by(Alert.created_at.desc(), Alert.id.desc())).all()
    result = []
    for recipient, alert, first_at in rows:
        asked_at = recipient.asked_at or alert.created_at
        minutes = max((first_at - asked_at).total_seconds() / 60, 0.0) if first_at else None
        result.append(Asked(alert_id=alert.id, title=alert.title, is_exercise=alert.is_exercise, asked_at=asked_at,
                            answer=alert.answer_label(recipient.answer_code, recipient.answer_value),
                            available=is_available(alert.question_kind.value, recipient.answer_code),
                            minutes_to_answer=minutes))
    return result


def person_year(professional_id: int, now: datetime | None = None) -> dict:
    """The last twelve months of one person: the figures and the alerts behind them."""
    since = (now or utcnow()) - YEAR
    rows = asked_of(professional_id, since=since)
    return {"since": since, "rows": rows, **summarise(rows)}
