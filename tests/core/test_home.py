"""Home page per role, with the crisis banner."""

import html
import re

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


def _nav_links(page: str) -> dict[str, str]:
    """Label -> the aria-current value ("" when absent) of each main navigation link."""
    nav = page[page.index('aria-label="Navigation principale"'):page.index("</nav>")]
    links = re.findall(r'<a href="[^"]*"( aria-current="(\w+)")?>([^<]+)</a>', nav)
    return {label: current for _, current, label in links}


def test_every_page_starts_with_a_skip_link_to_the_main_content(client, personas, login):
    login(personas[Role.CRISIS_CELL])
    page = client.get("/").text
    assert page.index('href="#contenu">Aller au contenu</a>') < page.index('<header')
    assert '<main class="content" id="contenu"' in page


def test_the_header_names_the_user_and_their_role_instead_of_a_gendered_connecte(client, personas, login):
    persona = personas[Role.CRISIS_REFERENT]
    login(persona)
    page = html.unescape(client.get("/").text)
    whoami = re.search(r'data-testid="whoami">(.*?)</p>', page, re.S).group(1)
    assert persona.user.full_name in whoami and Role.CRISIS_REFERENT.label in whoami
    assert "connecté en tant que" not in page


@pytest.mark.parametrize(("url", "current", "kind"), [
    ("/", "Accueil", "page"),
    ("/annuaire/", "Annuaire", "page"),
    ("/annuaire/audiences", "Annuaire", "true"),
    ("/alertes/", "Alertes", "page"),
    ("/stock/mouvements", "Stock", "true"),
    ("/mon-compte", "Mon compte", "page"),
    ("/admin/audit", "Audit", "page"),
])
def test_the_menu_marks_the_current_page_and_only_it(client, personas, login, url, current, kind):
    login(personas[Role.COORDINATOR])
    links = _nav_links(html.unescape(client.get(url).text))
    assert links[current] == kind
    assert [label for label, value in links.items() if value] == [current]


def test_my_entry_is_not_marked_as_the_directory(client, personas, login):
    login(personas[Role.CRISIS_REFERENT])
    links = _nav_links(html.unescape(client.get("/annuaire/ma-fiche").text))
    assert links["Ma fiche"] == "page" and links["Annuaire"] == ""
