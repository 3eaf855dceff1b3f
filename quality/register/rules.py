"""Pure rules of the register: criticality and its zone, the state machine, EIGS dates and reminder steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from crisis_app.actionplan.schedule import Schedule, reached
from quality.register.vocab import State

# Which state may follow which (research notes: déclaré → en tri → decision; CREX/RMM/EIGS → analysis → closure).
TRANSITIONS: dict[State, frozenset[State]] = {
    State.DECLARE: frozenset({State.EN_TRI}),
    State.EN_TRI: frozenset({State.NON_RETENU, State.DOUBLON, State.TRAITEMENT_SIMPLE, State.CREX, State.RMM,
                             State.EIGS}),
    State.TRAITEMENT_SIMPLE: frozenset({State.CLOTURE}),
    State.CREX: frozenset({State.PLANIFIE}),
    State.RMM: frozenset({State.PLANIFIE}),
    State.EIGS: frozenset({State.PLANIFIE}),
    State.PLANIFIE: frozenset({State.EN_ANALYSE}),
    State.EN_ANALYSE: frozenset({State.PRESENTE}),
    State.PRESENTE: frozenset({State.PLAN_VALIDE}),
    State.PLAN_VALIDE: frozenset({State.ACTIONS_EN_COURS}),
    State.ACTIONS_EN_COURS: frozenset({State.ACTIONS_REALISEES}),
    State.ACTIONS_REALISEES: frozenset({State.EFFICACITE_VERIFIEE}),
    State.EFFICACITE_VERIFIEE: frozenset({State.CLOTURE}),
    State.CLOTURE: frozenset({State.REOUVERT}),
    State.NON_RETENU: frozenset({State.REOUVERT}),
    State.DOUBLON: frozenset({State.REOUVERT}),
    State.REOUVERT: frozenset({State.EN_TRI}),
}
# States where a decision is still to be taken: the register's "à trier".
TO_TRIAGE = (State.DECLARE, State.EN_TRI, State.REOUVERT)
FINAL = (State.CLOTURE, State.NON_RETENU, State.DOUBLON)


def may_move(current: State, target: State) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def next_states(current: State) -> list[State]:
    """The states reachable from ``current``, in the declaration order of ``State``."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [s for s in State if s in allowed]


def criticality(severity: int, likelihood: int) -> int:
    """C = gravité × vraisemblance (1–25)."""
    return severity * likelihood


@dataclass(frozen=True)
class Zones:
    acceptable_max: int = 4
    unacceptable_min: int = 15

    def zone(self, value: int) -> str:
        """acceptable | sous_controle | inacceptable for a criticality ``value``."""
        if value <= self.acceptable_max:
            return "acceptable"
        if value >= self.unacceptable_min:
            return "inacceptable"
        return "sous_controle"

    def bounds(self, zone: str) -> tuple[int, int] | None:
        """The criticality range (inclusive) a zone covers, for the register's filter."""
        return {"acceptable": (1, self.acceptable_max),
                "sous_controle": (self.acceptable_max + 1, self.unacceptable_min - 1),
                "inacceptable": (self.unacceptable_min, 25)}.get(zone)


def asks_eigs_question(severity: int) -> bool:
    """Severity 4 (critique) or 5 (catastrophique) forces the "EIGS ? RMM ?" question at triage."""
    return severity >= 4


def part2_due_on(part1_sent_on: date) -> date:
    """Part 2 is due three calendar months after part 1; a day the month lacks falls on its last day
    (31 January → 30 April, 30 November → 28 or 29 February)."""
    return part1_sent_on + relativedelta(months=3)


# EIGS part 2: J-30, J-7, the due date, then one per week late — the action plan's one schedule rule.
EIGS_SCHEDULE = Schedule(before=(("j-30", 30), ("j-7", 7), ("echeance", 0)), late_every=7)


def reminder_step(due_on: date, today: date) -> tuple[str, date] | None:
    """The latest reminder step reached on ``today`` for a part 2 due on ``due_on``: J-30, J-7, the due date,
    then one per week late (``retard-1``, ``retard-2``…). Only the latest counts: a beat that missed days sends
    one reminder, not every step it skipped."""
    return reached(EIGS_SCHEDULE, due_on, today)
