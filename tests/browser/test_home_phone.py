"""Each role's home on a phone (390 × 844): who is logged in, the cards for what the role can do (each link opens),
what to expect next, and red only where a crisis or an alert is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crisis_app.core.demo.seed import DEMO_NAMES
from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

# Cards each role must find on its home page with the demo data (others may follow).
CAN_DO = {
    Role.COORDINATOR: ["Crise sanitaire", "Annuaire", "Stock de matériel", "Import de l'annuaire", "Comptes actifs",
                       "Journal d'audit", "Tâches de fond", "Mon compte"],
    Role.CRISIS_REFERENT: ["Crise sanitaire", "Alerter les professionnels", "Annuaire", "Stock de matériel",
                           "Mon compte"],
    Role.CRISIS_CELL: ["Crise sanitaire", "Annuaire", "Stock de matériel", "Si une crise est déclarée", "Mon compte"],
    Role.PROFESSIONAL: ["Ma fiche annuaire", "Événement indésirable", "Si une alerte arrive", "Mon compte"],
    Role.QUALITY_REFERENT: ["EIAS à trier", "Événement indésirable", "Mon compte"],
    Role.ARS_OBSERVER: ["Crise sanitaire", "Après chaque crise", "Mon compte"],
}
NOT_FOR = {Role.PROFESSIONAL: ["Annuaire", "Stock de matériel", "Comptes actifs"],
           Role.ARS_OBSERVER: ["Annuaire", "Comptes actifs", "Alerter les professionnels"],
           Role.CRISIS_CELL: ["Alerter les professionnels", "Comptes actifs"]}
# Red belongs to crises and alerts (the composer card is the alerts package's call-to-action).
RED_ALLOWED = ("Crise sanitaire", "Alerter les professionnels", "Dernière alerte", "Exercice")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_home_on_a_phone_says_who_is_there_and_what_they_can_do(server, browser, role):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    log_in(page, server, role)
    expect(page.get_by_test_id("whoami")).to_contain_text(DEMO_NAMES[role])
    expect(page.get_by_test_id("whoami")).to_contain_text(role.label)
    cards = page.get_by_test_id("home-cards").locator("> section")
    titles = [title.strip() for title in cards.locator("h2").all_inner_texts()]
    assert [t for t in CAN_DO[role] if t not in titles] == []
    assert [t for t in NOT_FOR.get(role, []) if t in titles] == []
    red = [t for t, classes in zip(titles, [c.get_attribute("class") for c in cards.all()], strict=True)
           if "tone-alert" in classes.split()]
    assert [t for t in red if not t.startswith(RED_ALLOWED)] == []
    box = cards.first.bounding_box()
    assert box["y"] + 40 < 844, "the first card must start on the first screen"
    screenshot(page, f"home-phone-{role.value}.png")
    links = [link.get_attribute("href") for link in cards.locator("a.button").all()]
    for href in links:
        response = page.goto(f"{server}{href}")
        assert response.status == 200, href
    context.close()
