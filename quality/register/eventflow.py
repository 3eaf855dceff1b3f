"""How sessions, analyses and actions move a register event along part 1's state machine.

Each move goes through ``services.move`` (one guarded UPDATE, the history line and the audit row), inside the
caller's transaction; a move the machine does not allow is simply not made (the event stays where it is).
"""

from __future__ import annotations

from crisis_app.core.models import User
from quality.register import rules, services
from quality.register.models import AdverseEvent
from quality.register.vocab import State

# The analysed event's road, from its session to its closure.
ROAD = (State.PLANIFIE, State.EN_ANALYSE, State.PRESENTE, State.PLAN_VALIDE, State.ACTIONS_EN_COURS,
        State.ACTIONS_REALISEES, State.EFFICACITE_VERIFIEE, State.CLOTURE)


def advance(event: AdverseEvent, goal: State, *, actor: User, reason: str | None = None) -> int:
    """Move ``event`` forward along ROAD up to ``goal`` as far as the machine allows; returns the moves made."""
    limit = ROAD.index(goal)
    moves = 0
    while event.state is not goal:
        ahead = [s for s in rules.next_states(event.state) if s in ROAD and ROAD.index(s) <= limit]
        if not ahead:
            break
        services.move(event, ahead[0], actor=actor, reason=reason if ahead[0] is goal else None)
        moves += 1
    return moves
