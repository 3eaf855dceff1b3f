"""Home page per role, with the crisis banner."""

import html
import re

import pytest
import sqlalchemy as sa

from crisis_app.core import home
from crisis_app.core.roles import Role
from crisis_app.crises import services as crisis_services
from crisis_app.directory.professionals.models import Professional
from tests import factories

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


def _cards(page: str) -> list[tuple[str, str, bool]]:
    """(title, tone, urgent) of each home card, in the page's order."""
    found = re.findall(r'<section class="card tile tone-(\w+)( urgent)?">\s*<h2>([^<]*)</h2>', page)
    return [(title, tone, bool(urgent)) for tone, urgent, title in found]


def test_urgent_cards_come_before_fixed_cards_and_keep_their_order(app, monkeypatch, personas):
    providers = list(home._PROVIDERS)
    monkeypatch.setattr(home, "_PROVIDERS", providers)
    home.card_provider("home.view", order=1)(lambda user: [home.Card(title="fixe", value="1")])
    home.card_provider("home.view", order=98)(lambda user: [home.Card(title="alerte en cours", value="2",
                                                                       urgent=True)])
    home.card_provider("home.view", order=99)(lambda user: [home.Card(title="crise", value="3", urgent=True)])
    with app.test_request_context("/"):
        titles = [card.title for card in home.cards_for(personas[Role.PROFESSIONAL].user)]
    assert titles[:2] == ["alerte en cours", "crise"]
    assert titles.index("fixe") > 1


def test_an_active_crisis_is_the_first_card_and_marked_urgent(client, personas, login):
    crisis_services.open_crisis(actor=personas[Role.CRISIS_REFERENT].user, title="Canicule juillet",
                                typology=4, gradation=1)
    login(personas[Role.CRISIS_CELL])
    cards = _cards(html.unescape(client.get("/").text))
    assert cards[0] == ("Crise sanitaire", "alert", True)
    assert [card for card in cards[1:] if card[2]] == []


def test_stale_directory_records_make_the_card_orange_never_red(client, db_session, personas, login):
    people = [factories.professional() for _ in range(3)]
    db_session.execute(sa.update(Professional).where(Professional.id.in_([p.id for p in people]))
                       .values(confirmed_at=None))
    login(personas[Role.COORDINATOR])
    cards = dict((title, tone) for title, tone, _ in _cards(html.unescape(client.get("/").text)))
    assert cards["Annuaire"] == "warn"


EXPECTED_CARD = {
    Role.PROFESSIONAL: "Si une alerte arrive",
    Role.CRISIS_CELL: "Si une crise est déclarée",
    Role.ARS_OBSERVER: "Après chaque crise",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_a_card_saying_what_to_expect_next(client, personas, login, role):
    login(personas[role])
    titles = [title for title, _, _ in _cards(html.unescape(client.get("/").text))]
    others = set(EXPECTED_CARD.values()) - {EXPECTED_CARD.get(role)}
    assert role not in EXPECTED_CARD or EXPECTED_CARD[role] in titles
    assert not others & set(titles)


def test_the_cellule_expectation_card_links_to_the_distribution_form(client, personas, login):
    login(personas[Role.CRISIS_CELL])
    page = html.unescape(client.get("/").text)
    card = page[page.index("<h2>Si une crise est déclarée</h2>"):]
    assert re.match(r'.*?<a class="button" href="/stock/distribution">Distribuer du matériel</a>', card, re.S)
