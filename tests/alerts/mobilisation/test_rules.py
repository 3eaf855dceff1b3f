"""Pure rules of mobilisation: what counts as a yes, which profession is named, when the next wave is due."""

from datetime import UTC, datetime, timedelta

from crisis_app.alerts.mobilisation.rules import (
    WaveState,
    next_wave_due,
    profession_code,
    settle,
    short_professions,
    yes_codes,
)
from crisis_app.core.vocabulary import QuestionKind, options_for


def test_availability_levels_one_to_three_are_yes_and_not_available_is_not():
    assert yes_codes(QuestionKind.AVAILABILITY, options_for("availability")) == {"1", "2", "3"}


def test_the_cellule_counts_arriving_and_by_video_and_an_acknowledgement_counts_nothing():
    assert yes_codes(QuestionKind.CELL, options_for("cell")) == {"A", "V"}
    assert yes_codes(QuestionKind.ACK, options_for("ack")) == frozenset()


def test_a_profession_is_named_by_code_label_or_common_name():
    assert [profession_code(v) for v in ("60", "Infirmier", "IDE", "infirmières", "Médecin", "kiné")] == \
        ["60", "60", "60", "60", "10", "70"]
    assert profession_code("astronaute") is None and profession_code("") is None


def test_the_next_wave_is_due_its_predecessors_wait_after_that_one_left():
    left = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    waves = [WaveState(0, 15, left), WaveState(1, 30, None), WaveState(2, 10, None)]
    wave, due = next_wave_due(waves)
    assert (wave.position, due) == (1, left + timedelta(minutes=15))
    waves[1] = WaveState(1, 30, left + timedelta(minutes=16))
    assert next_wave_due(waves)[1] == left + timedelta(minutes=46)
    assert next_wave_due([WaveState(0, 15, left)]) is None  # a single wave: nothing after it


def test_only_professions_below_their_target_are_short():
    assert short_professions([("60", 6, 6), ("10", 2, 1)]) == {"10"}


def test_a_yes_takes_a_place_once_and_a_no_frees_the_one_held():
    assert settle(held=False, yes=True) == "take"
    assert settle(held=True, yes=True) == "keep"
    assert settle(held=True, yes=False) == "release"
    assert settle(held=False, yes=False) == "keep"
