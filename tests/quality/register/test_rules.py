"""Pure rules: criticality zones, the state machine's table, EIGS part-2 due dates and reminder steps."""

from datetime import date

import pytest

from quality.register import rules
from quality.register.vocab import DECISIONS, State


@pytest.mark.parametrize("part1,due", [
    (date(2026, 1, 31), date(2026, 4, 30)),
    (date(2026, 11, 30), date(2027, 2, 28)),
    (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
    (date(2026, 11, 29), date(2027, 2, 28)),
    (date(2026, 12, 31), date(2027, 3, 31)),
    (date(2026, 3, 31), date(2026, 6, 30)),
    (date(2026, 5, 15), date(2026, 8, 15)),
    (date(2026, 10, 1), date(2027, 1, 1)),
])
def test_part2_is_due_three_calendar_months_after_part1_month_ends_included(part1, due):
    assert rules.part2_due_on(part1) == due


@pytest.mark.parametrize("value,zone", [(1, "acceptable"), (4, "acceptable"), (5, "sous_controle"),
                                        (12, "sous_controle"), (15, "inacceptable"), (25, "inacceptable")])
def test_default_zones_follow_the_research_notes(value, zone):
    assert rules.Zones().zone(value) == zone


def test_zones_are_configurable_and_their_bounds_cover_the_filter():
    zones = rules.Zones(acceptable_max=6, unacceptable_min=12)
    assert zones.zone(6) == "acceptable" and zones.zone(8) == "sous_controle" and zones.zone(12) == "inacceptable"
    assert zones.bounds("sous_controle") == (7, 11) and zones.bounds("inconnue") is None


def test_criticality_is_severity_times_likelihood():
    assert rules.criticality(4, 3) == 12 and rules.criticality(5, 5) == 25


@pytest.mark.parametrize("severity,asks", [(1, False), (3, False), (4, True), (5, True)])
def test_severity_four_or_more_asks_eigs_or_rmm(severity, asks):
    assert rules.asks_eigs_question(severity) is asks


def test_triage_offers_every_decision_and_only_from_en_tri():
    assert set(rules.next_states(State.EN_TRI)) == set(DECISIONS)
    assert rules.next_states(State.DECLARE) == [State.EN_TRI]
    assert not rules.may_move(State.DECLARE, State.CLOTURE)


def test_the_analysis_path_leads_to_closure_and_closure_only_to_reopening():
    path = [State.CREX, State.PLANIFIE, State.EN_ANALYSE, State.PRESENTE, State.PLAN_VALIDE,
            State.ACTIONS_EN_COURS, State.ACTIONS_REALISEES, State.EFFICACITE_VERIFIEE, State.CLOTURE,
            State.REOUVERT, State.EN_TRI]
    assert all(rules.may_move(a, b) for a, b in zip(path, path[1:], strict=False))
    assert rules.next_states(State.CLOTURE) == [State.REOUVERT]


def test_every_state_has_a_way_out():
    assert all(rules.next_states(s) for s in State)


@pytest.mark.parametrize("today,step", [
    (date(2027, 1, 29), None),
    (date(2027, 1, 30), ("j-30", date(2027, 1, 30))),
    (date(2027, 2, 20), ("j-30", date(2027, 1, 30))),
    (date(2027, 2, 21), ("j-30", date(2027, 1, 30))),
    (date(2027, 2, 22), ("j-7", date(2027, 2, 22))),
    (date(2027, 3, 1), ("echeance", date(2027, 3, 1))),
    (date(2027, 3, 7), ("echeance", date(2027, 3, 1))),
    (date(2027, 3, 8), ("retard-1", date(2027, 3, 8))),
    (date(2027, 3, 20), ("retard-2", date(2027, 3, 15))),
])
def test_reminder_steps_j30_j7_due_date_then_weekly(today, step):
    assert rules.reminder_step(date(2027, 3, 1), today) == step
