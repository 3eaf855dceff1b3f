"""The crisis vocabulary has one home (core.vocabulary): the stored values are unchanged, the labels are the national
outline's, and the composer, the plan and crises offer the same built-in presets."""

from __future__ import annotations

from crisis_app.core.labels import labels
from crisis_app.core.vocabulary import (
    BUILT_IN_PRESETS,
    Gradation,
    QuestionKind,
    Typology,
    built_in_presets,
    options_for,
    plan_defaults,
)
from crisis_app.plan.outline import empty_sections


def test_stored_values_are_unchanged():
    assert [t.value for t in Typology] == [1, 2, 3, 4, 5]
    assert labels(Gradation) == {0: "Veille", 1: "Gradation 1", 2: "Gradation 2"}
    assert [q.value for q in QuestionKind] == ["none", "ack", "availability", "cell", "liberal"]


def test_typology_labels_are_the_national_outlines_wording():
    assert Typology.PERSONNES_VULNERABLES.label == ("Prise en charge de malades, notamment personnes âgées "
                                                    "(canicule, grand froid)")
    assert Typology.BLESSES.label == "Blessés somatiques ou psychiques (attentats, explosions)"


def test_a_first_plan_draft_starts_from_the_composers_built_in_presets():
    drafted = [p for m in empty_sections()["adaptation"]["measures"] for p in m["presets"]]
    assert drafted == [p.stored() for p in sorted(plan_defaults(), key=lambda p: (p.typology, p.gradation))]
    assert {p.key for p in plan_defaults()} | {"information"} == {p.key for p in BUILT_IN_PRESETS}


def test_every_built_in_preset_signs_the_same_way_and_asks_a_known_question():
    signed = [p for p in BUILT_IN_PRESETS if p.typology is not None]
    assert all(p.email.endswith("La cellule de crise, {cpts}") for p in signed)
    assert all(QuestionKind(p.question) for p in BUILT_IN_PRESETS)
    assert [p.key for p in built_in_presets(2, 2)] == ["nrc-g2", "information"]


def test_answer_options_are_copies_an_alert_may_keep():
    options = options_for("availability")
    options[0]["label"] = "changé"
    assert options_for("availability")[0]["label"] == "Disponible immédiatement"
    assert options_for("none") == [] and options_for("unknown") == []
