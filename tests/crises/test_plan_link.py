"""Crises read the plan through its services (published_plan, typology_section, presets_for, cellule_members,
retex_recipients), a plain import: with a published plan its content is used, without one the directory and the
built-in presets."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from crisis_app.crises import cellule, mission, plan_link, retex, services
from tests import factories


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    typology: int
    gradation: int
    title: str = "t"
    sms: str = "s"
    email: str = "e"
    question: str = "ack"


@pytest.fixture
def plan(monkeypatch, db_session):
    """A published plan as the plan package's services describe it (its read services stubbed)."""
    state = SimpleNamespace(members=[], recipients=[])
    for name, fake in {
        "published_plan": lambda year=None: "plan-2026",
        "typology_section": lambda plan, t, g: ({"typology": t, "gradation": g, "needs": "Visites ALD",
                                                  "mobilisation": "", "equipment": "FFP2 aux IDE"} if g == 2 else {}),
        "presets_for": lambda t, g: [Preset("plan-g2", "Renfort du plan", t, g)] if g == 2 else [],
        "cellule_members": lambda plan: state.members,
        "retex_recipients": lambda plan: state.recipients,
    }.items():
        monkeypatch.setattr(plan_link.plan_services, name, fake)
    return state


def test_the_section_shown_is_the_plans_described_measures_with_their_labels(plan):
    assert plan_link.typology_section(3, 2) == [("Besoins de santé à identifier", "Visites ALD"),
                                                ("Matériel à distribuer", "FFP2 aux IDE")]
    assert plan_link.typology_section(3, 1) is None


def test_the_plans_presets_come_first_and_the_built_in_templates_are_the_fallback(plan):
    assert [p.key for p in plan_link.presets_for(3, 2)] == ["plan-g2"]
    fallback = plan_link.presets_for(4, 1)  # the plan has none at gradation 1: the built-in templates
    assert "canicule-g1" in [p.key for p in fallback]
    assert all(p.typology in (None, 4) and p.gradation in (None, 1) for p in fallback)


def test_the_cellule_proposed_is_the_plans_with_backups_unticked(plan, crisis):
    main, backup = factories.reachable_professional(), factories.reachable_professional()
    plan.members = [{"role": "Coordination", "professional_id": main.id, "backup_id": backup.id}]
    rows = {r["professional_id"]: r for r in cellule.candidates(crisis)}
    assert rows[main.id]["role"] == "Coordination" and rows[main.id]["checked"]
    assert rows[backup.id]["role"] == "Coordination (suppléance)" and not rows[backup.id]["checked"]


def test_the_retex_goes_to_the_contacts_of_the_organisations_the_plan_names(plan, crisis):
    named = factories.organisation(name="CPAM 31", kind="cpam", receives_evaluations=False,
                                   contacts=[{"name": "Service prévention", "email": "prevention@cpam.example.org"}])
    factories.organisation(name="ARS non nommée", contacts=[{"name": "X", "email": "x@ars.example.org"}])
    plan.recipients = [named.id]
    assert [r.email for r in retex.recipients(crisis)] == ["prevention@cpam.example.org"]


def test_a_closed_exercise_counts_in_its_year(referent):
    from crisis_app.core.db import utcnow

    year = utcnow().year
    before = mission.exercises_closed(year)
    drill = services.open_crisis(actor=referent, title="Exercice NRC", typology=2, is_exercise=True)
    real = services.open_crisis(actor=referent, title="Crise réelle", typology=2)
    services.close_crisis(actor=referent, crisis=drill, reason="Fin de l'exercice")
    services.close_crisis(actor=referent, crisis=real, reason="Fin")
    assert mission.exercises_closed(year) == before + 1


def test_without_a_published_plan_crises_fall_back_to_the_directory_and_the_built_in_presets(crisis):
    member = factories.reachable_professional(crisis_role="cellule")
    assert plan_link.typology_section(4, 1) is None and plan_link.retex_organisation_ids() is None
    assert member.id in {r["professional_id"] for r in cellule.candidates(crisis)}
    assert "canicule-g1" in [p.key for p in plan_link.presets_for(4, 1)]
