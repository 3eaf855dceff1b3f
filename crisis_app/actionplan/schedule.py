"""The one reminder rule, pure: a deadline's steps before its due date, the due date, then every N days late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Schedule:
    """Steps before the due date as ``(name, days before)`` in order (the due date itself is ``("echeance", 0)``),
    then ``retard-1``, ``retard-2``… every ``late_every`` days."""

    before: tuple[tuple[str, int], ...]
    late_every: int


def reached(schedule: Schedule, due_on: date, today: date) -> tuple[str, date] | None:
    """The latest step reached on ``today`` and its date; a beat that missed days sends the latest step only."""
    late = (today - due_on).days
    if late >= schedule.late_every:
        n = late // schedule.late_every
        return f"retard-{n}", due_on + timedelta(days=n * schedule.late_every)
    steps = [(name, due_on - timedelta(days=days)) for name, days in schedule.before if late >= -days]
    return steps[-1] if steps else None
