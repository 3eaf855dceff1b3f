"""Several crises at once, real ones and an exercise apart: home, banner and list show each; each crisis's last
alert is its own; the alert composer asks which crisis rather than picking the newest."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import Alert
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.crises import services
from crisis_app.directory.audiences import services as audiences
from tests import factories
from tests.conftest import form_post


@pytest.fixture
def heatwave(referent):
    return services.open_crisis(actor=referent, title="Canicule août", typology=4, gradation=2, authority="ars")


@pytest.fixture
def bus(referent, heatwave):
    return services.open_crisis(actor=referent, title="Accident de bus A64", typology=5, gradation=1,
                                authority="prefecture")


@pytest.fixture
def drill(referent, bus):
    return services.open_crisis(actor=referent, title="Exercice grand froid", typology=4, gradation=1,
                                is_exercise=True)


@pytest.fixture
def audience(referent):
    people = [factories.reachable_professional() for _ in range(2)]
    return audiences.save_audience(actor=referent, data={"name": "Infirmiers du secteur", "kind": "list",
                                                         "professional_ids": [p.id for p in people]})


def _alert(referent, audience, crisis, title):
    return alert_services.send_alert(actor=referent, data={
        "title": title, "sms_text": "CPTS : renfort demandé.", "email_text": "Bonjour, renfort demandé.",
        "audience_id": audience.id, "channels": ["sms"], "question": "availability", "crisis_id": crisis.id})


@pytest.fixture
def as_referent(login, personas):
    return login(personas[Role.CRISIS_REFERENT])


def _cards(page: str) -> list[str]:
    return re.findall(r'<section class="card tile[^"]*">(.*?)</section>', page, re.S)


def test_home_banner_and_list_show_each_open_crisis_and_the_exercise_apart(as_referent, heatwave, bus, drill):
    page = as_referent.get("/").text
    banners = re.findall(r'data-testid="crisis-banner">(.*?)</div>', page, re.S)
    assert len(banners) == 2 and "Canicule août" in "".join(banners) and "Accident de bus A64" in "".join(banners)
    assert "gradation 2" in "".join(banners) and "gradation 1" in "".join(banners)
    assert page.count('data-testid="exercise-banner"') == 1 and "Exercice grand froid" in page
    assert "Aucune crise active" not in page
    cards = _cards(page)
    crisis_cards = [c for c in cards if "<h2>Crise sanitaire</h2>" in c]
    assert len(crisis_cards) == 2
    assert any("Canicule août" in c for c in crisis_cards) and any("Accident de bus A64" in c for c in crisis_cards)
    assert any("Exercice en cours" in c and "Exercice grand froid" in c for c in cards)
    listing = as_referent.get("/crises/").text
    assert listing.count("en cours") >= 3


def test_an_exercise_alone_does_not_say_veille_above_it(as_referent, referent):
    services.open_crisis(actor=referent, title="Exercice grand froid", typology=4, gradation=1, is_exercise=True)
    page = as_referent.get("/").text
    assert "Aucune crise active : veille." not in page
    assert page.index('data-testid="exercise-banner"') < page.index("Aucune crise active hors exercice")


def test_each_crisis_card_shows_its_own_last_alert_never_another_crisiss(as_referent, referent, audience, heatwave,
                                                                        bus):
    _alert(referent, audience, heatwave, "Canicule : renfort infirmier")
    page = as_referent.get("/").text
    cards = _cards(page)
    heat = [c for c in cards if "(Canicule août)" in c]
    assert len(heat) == 1 and "Canicule : renfort infirmier" in heat[0]
    bus_cards = [c for c in cards if "Accident de bus A64" in c and "Alertes" in c]
    assert len(bus_cards) == 1 and "Aucune alerte pour cette crise" in bus_cards[0]
    assert "Canicule : renfort infirmier" not in bus_cards[0]


def test_the_composer_asks_which_crisis_when_several_are_open(as_referent, audience, heatwave, bus):
    page = as_referent.get("/alertes/nouvelle").text
    assert "— choisir la crise —" in page and "Canicule août" in page and "Accident de bus A64" in page
    assert not re.search(r'<option value="\d+" selected>', page.split('id="crisis_id"')[1].split("</select>")[0])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Alert))
    data = {"title": "Renfort", "sms_text": "Renfort demandé.", "email_text": "Renfort demandé.",
            "audience_id": str(audience.id), "channels": "sms", "question": "availability",
            "escalation_max": "0", "crisis_id": ""}
    for action in ("review", "send"):
        refused = form_post(as_referent, "/alertes/nouvelle", {**data, "action": action})
        assert refused.status_code == 400 and "choisissez la crise de cette alerte" in refused.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == before
    sent = form_post(as_referent, "/alertes/nouvelle", {**data, "crisis_id": str(bus.id), "action": "send"})
    assert sent.status_code == 302
    alert = db.session.scalar(sa.select(Alert).order_by(Alert.id.desc()).limit(1))
    assert alert.crisis_id == bus.id
    none = form_post(as_referent, "/alertes/nouvelle", {**data, "crisis_id": "aucune", "action": "send"})
    assert none.status_code == 302
    assert db.session.scalar(sa.select(Alert).order_by(Alert.id.desc()).limit(1)).crisis_id is None


def test_the_crisis_page_prepares_its_alert_for_that_crisis(as_referent, heatwave, bus):
    page = as_referent.get(f"/crises/{bus.id}").text
    link = re.search(r'href="(/alertes/nouvelle\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"crise={bus.id}" in link
    composer = as_referent.get(link).text
    select = composer.split('id="crisis_id"')[1].split("</select>")[0]
    assert f'<option value="{bus.id}" selected>' in select


def test_with_one_crisis_open_the_composer_ties_the_alert_to_it(as_referent, heatwave):
    select = as_referent.get("/alertes/nouvelle").text.split('id="crisis_id"')[1].split("</select>")[0]
    assert f'<option value="{heatwave.id}" selected>' in select and "choisir la crise" not in select


def test_a_cell_member_sees_the_alert_presets_without_a_link_they_would_be_refused(client, login, personas, heatwave):
    login(personas[Role.CRISIS_CELL])
    page = client.get(f"/crises/{heatwave.id}").text
    assert "/alertes/nouvelle" not in page and "le référent l'envoie" in page
