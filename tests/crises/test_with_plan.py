"""Crises on a real published plan: its measures and presets at each level, its cellule, its RETEX recipients,
and the evaluation sent counted in its indicators."""

from __future__ import annotations

import pytest

from crisis_app.core.db import utcnow
from crisis_app.core.roles import Role
from crisis_app.crises import cellule, mission, retex, services
from crisis_app.plan import services as plan_services
from tests import factories
from tests.plan.conftest import complete_data


@pytest.fixture
def published(personas):
    referent = personas[Role.CRISIS_REFERENT].user
    people = [factories.reachable_professional() for _ in range(4)]
    partner = factories.organisation(name="ARS Occitanie (plan)", receives_evaluations=False,
                                     contacts=[{"name": "Veille", "email": "veille@ars-plan.example.org"}])
    plan = plan_services.create_draft(actor=referent, year=utcnow().year)
    plan_services.update_sections(actor=referent, plan=plan, data=complete_data(people, partner))
    plan_services.validate_plan(actor=referent, plan=plan)
    plan_services.publish_plan(actor=referent, plan=plan)
    return {"plan": plan, "people": people, "partner": partner}


@pytest.fixture
def offre(referent, published):
    return services.open_crisis(actor=referent, title="Pénurie de médecins", typology=1, gradation=1,
                                authority="ars")


def test_the_crisis_page_shows_the_plans_measures_and_presets_for_the_level(client, login, personas, offre):
    login(personas[Role.CRISIS_REFERENT])
    page = client.get(f"/crises/{offre.id}").text
    assert "Besoins 1/1" in page and "modele=t1-g1" in page
    preview = client.get(f"/crises/{offre.id}/niveau?gradation=2").text
    assert "Besoins 1/2" in preview and "modele=t1-g2" in preview


def test_the_cellule_proposed_is_the_plans(offre, published):
    _, _, member, backup = published["people"]
    rows = {r["professional_id"]: r for r in cellule.candidates(offre)}
    assert rows[member.id]["role"] == "Pilote de la cellule" and rows[member.id]["checked"]
    assert not rows[backup.id]["checked"]


def test_the_cellule_message_gives_the_plans_place_visio_link_and_first_briefing_in_gsm7(offre, published, referent):
    from crisis_app.alerts import messages
    from crisis_app.alerts.models import Alert
    from crisis_app.core import gsm
    from crisis_app.core.db import db

    _, _, member, _ = published["people"]
    activation = cellule.activate(actor=referent, crisis=offre, professional_ids=[member.id])
    alert = db.session.get(Alert, activation.alert_id)
    for text in (alert.sms_text, alert.email_text):
        assert "Local de la CPTS" in text and "https://visio.example.org/cellule" in text
        assert "30 min après l'activation" in text
    sms = messages.sms_body(alert, "message", "https://vigie.example.org/r/" + "x" * 40)
    assert gsm.check(sms).is_gsm7, gsm.offending(sms)
    assert gsm.check(sms).segments == 3  # 364 septets; with one "—" (UCS-2) the same text would cost 6


def test_the_sent_evaluation_reaches_the_plans_recipients_and_counts_in_its_indicators(offre, referent):
    year = utcnow().year
    before = mission.for_year(year)["evaluations_done"]
    retex.save(actor=referent, crisis=offre, worked="a", not_worked="b", actions=[])
    services.close_crisis(actor=referent, crisis=offre, reason="Fin")
    retex.validate(actor=referent, crisis=offre)
    evaluation = retex.send(actor=referent, crisis=offre)
    assert [d.address for d in retex.deliveries(evaluation)] == ["veille@ars-plan.example.org"]
    assert mission.for_year(year)["evaluations_done"] == before + 1


def test_a_closed_exercise_counts_as_a_preparation_exercise_in_the_plans_indicators(referent):
    year = utcnow().astimezone(__import__("crisis_app.core.timez", fromlist=["PARIS"]).PARIS).year
    before = mission.for_year(year)["exercises_done"]
    real = services.open_crisis(actor=referent, title="Vraie crise", typology=1)
    drill = services.open_crisis(actor=referent, title="Exercice canicule", typology=4, is_exercise=True)
    assert mission.for_year(year)["exercises_done"] == before  # counted once it is over
    services.close_crisis(actor=referent, crisis=drill, reason="Exercice terminé")
    services.close_crisis(actor=referent, crisis=real, reason="Fin de l'épisode")
    assert mission.for_year(year)["exercises_done"] == before + 1  # the real crisis is not an exercise


def test_the_board_offers_the_plans_needs_and_a_covered_need_looks_covered(client, login, personas, offre,
                                                                          referent):
    from crisis_app.crises import needs
    from tests.conftest import form_post

    login(personas[Role.CRISIS_REFERENT])
    url = f"/crises/{offre.id}/tableau"
    page = client.get(url).text
    offered = page.split('data-testid="plan-needs"')[1].split("</div>")[0]
    assert "Besoins 1/1" in offered
    assert form_post(client, f"/crises/{offre.id}/besoins", {"title": "Besoins 1/1"},
                     token_from=url).status_code == 302
    page = client.get(url).text
    assert 'data-testid="plan-needs"' not in page  # added: no longer offered
    need = needs.needs_of(offre)[0]
    needs.update_need(actor=referent, need=need, status="met", owner="Dr Martin")
    row = client.get(url).text.split(f'data-testid="need-{need.id}"')[1].split("</tr>")[0]
    assert "✓ Couvert" in row and "<s>Besoins 1/1</s>" in row
