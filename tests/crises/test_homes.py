"""Each role's home says what to do now: the référent's RETEX to write, silent cellule members and needs not
covered; the ARS observer's evaluations received with their links; no link a role would be refused."""

from __future__ import annotations

import re

import pytest

from crisis_app.alerts import services as alert_services
from crisis_app.core.roles import Role
from crisis_app.crises import cellule, needs, retex, services
from tests import factories
from tests.conftest import csrf_token


def _logout(client):
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})


def _cards(page: str) -> list[str]:
    return re.findall(r'<section class="card tile[^"]*">(.*?)</section>', page, re.S)


@pytest.fixture
def closed(referent):
    crisis = services.open_crisis(actor=referent, title="Canicule juin", typology=4, gradation=1, authority="ars")
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin de l'épisode")
    return crisis


def test_the_referent_home_lists_each_retex_to_write_with_the_days_since_closing(client, login, personas, closed):
    login(personas[Role.CRISIS_REFERENT])
    cards = [c for c in _cards(client.get("/").text) if "RETEX à rédiger : Canicule juin" in c]
    assert len(cards) == 1 and "Close aujourd&#39;hui" in cards[0] and f"/crises/{closed.id}/retex" in cards[0]


def test_a_sent_retex_leaves_the_referent_home_and_reaches_the_ars_observers(client, login, personas, closed,
                                                                             referent):
    factories.organisation(name="ARS Occitanie", kind="ars",
                           contacts=[{"name": "Veille", "email": "veille@ars.example.org"}])
    retex.save(actor=referent, crisis=closed, worked="a", not_worked="b", actions=[])
    retex.validate(actor=referent, crisis=closed)
    retex.send(actor=referent, crisis=closed)
    login(personas[Role.CRISIS_REFERENT])
    assert "RETEX à rédiger" not in client.get("/").text and "RETEX à envoyer" not in client.get("/").text
    _logout(client)
    login(personas[Role.ARS_OBSERVER])
    page = client.get("/").text
    card = next(c for c in _cards(page) if "RETEX : Canicule juin" in c)
    link = re.search(r'href="([^"]+)"', card).group(1)
    assert link == f"/crises/{closed.id}/retex"
    assert client.get(link).status_code == 200


def test_the_ars_observer_is_told_where_evaluations_will_show_and_offered_no_refused_link(client, login, personas):
    login(personas[Role.ARS_OBSERVER])
    page = client.get("/").text
    assert "Aucune pour l&#39;instant" in page and "seront aussi consultables" not in page
    assert "Mettre à jour le plan" not in page and "Préparer l&#39;alerte" not in page
    for href in set(re.findall(r'href="(/[^"#?]*)', page)):
        assert client.get(href).status_code != 403, href


def test_the_referent_home_shows_silent_members_and_needs_not_covered(client, login, personas, referent):
    crisis = services.open_crisis(actor=referent, title="Accident de bus", typology=5, gradation=2)
    people = [factories.reachable_professional(crisis_role="cellule") for _ in range(2)]
    activation = cellule.activate(actor=referent, crisis=crisis, professional_ids=[p.id for p in people])
    first = next(r for r in alert_services_recipients(activation) if r.professional_id == people[0].id)
    alert_services.record_answer(recipient=first, code="N", comment="Absent", via="link")
    needs.add_need(actor=referent, crisis=crisis, title="Soutien psychologique")
    login(personas[Role.CRISIS_REFERENT])
    cards = _cards(client.get("/").text)
    cell = next(c for c in cards if "Cellule : Accident de bus" in c)
    assert "2\u00a0membres absents ou silencieux" in cell and people[0].display_name in cell
    need = next(c for c in cards if "Besoins non couverts : Accident de bus" in c)
    assert "Soutien psychologique" in need and f"/crises/{crisis.id}/tableau" in need


def alert_services_recipients(activation):
    from crisis_app.crises import alert_link

    return alert_link.recipients(activation.alert_id)


def test_after_closing_the_crisis_page_reminds_the_retex_and_who_writes_it(client, login, personas, closed):
    login(personas[Role.CRISIS_REFERENT])
    page = client.get(f"/crises/{closed.id}").text
    assert "Retour d'expérience à rédiger" in page and "Crise close aujourd&#39;hui" in page
    _logout(client)
    login(personas[Role.COORDINATOR])
    page = client.get(f"/crises/{closed.id}").text
    assert "Le référent crise sanitaire le rédige, le valide" in page
    retex_page = client.get(f"/crises/{closed.id}/retex").text
    assert "le référent crise sanitaire le complète, le valide" in retex_page
    assert "Valider le retour d" not in retex_page
