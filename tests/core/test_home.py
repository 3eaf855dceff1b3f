"""Home page per role, with the crisis banner."""

import html

import pytest

from crisis_app.core.roles import Role
from crisis_app.crises import services as crisis_services

HOME_MARKERS = {
    Role.COORDINATOR: ["Comptes actifs", "Journal d'audit", "Tâches de fond"],
    Role.CRISIS_REFERENT: ["Crise sanitaire"],
    Role.CRISIS_CELL: ["Crise sanitaire"],
    Role.PROFESSIONAL: ["Mon compte"],
    Role.QUALITY_REFERENT: ["Mon compte"],
    Role.ARS_OBSERVER: ["Crise sanitaire"],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_its_cards_and_the_calm_banner(client, personas, login, role):
    login(personas[role])
    page = html.unescape(client.get("/").text)
    assert "Aucune crise active" in page
    for marker in HOME_MARKERS[role]:
        assert marker in page
    assert ("Comptes actifs" in page) == (role is Role.COORDINATOR)


def test_banner_shows_the_active_crisis_and_its_gradation(client, personas, login):
    crisis_services.open_crisis(actor=personas[Role.CRISIS_REFERENT].user, title="Canicule juillet",
                                typology=4, gradation=2)
    login(personas[Role.PROFESSIONAL])
    page = client.get("/").text
    assert "Crise active — gradation 2" in page and "Canicule juillet" in page


def test_an_exercise_does_not_raise_the_crisis_banner(client, personas, login):
    crisis_services.open_crisis(actor=personas[Role.CRISIS_REFERENT].user, title="Exercice NRC",
                                typology=2, gradation=1, is_exercise=True)
    login(personas[Role.CRISIS_REFERENT])
    assert "Aucune crise active" in client.get("/").text


def test_styles_are_served_by_the_app_and_no_page_calls_a_cdn(client, personas, login):
    login(personas[Role.COORDINATOR])
    page = client.get("/").text
    assert "https://" not in page and "http://" not in page.replace('xmlns="http://www.w3.org', "")
    css = client.get("/static/css/vigie.css")
    assert css.status_code == 200 and "@media" in css.get_data(as_text=True)
    assert 'name="viewport"' in page
