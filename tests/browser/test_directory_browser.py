"""The coordinator filters the directory in Chromium, saves the filter as an audience and finds it with the same
reach in the audience list (embedded default, demo data)."""

from __future__ import annotations

import re

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def test_coordinator_saves_a_filter_as_an_audience_with_the_same_reach(server, browser):
    base = server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    log_in(page, base, Role.COORDINATOR)
    assert page.get_by_text("Ouvrir l'annuaire").is_visible()
    page.get_by_text("Ouvrir l'annuaire").click()
    page.wait_for_url(re.compile(r".*/annuaire/$"))

    page.get_by_label("Profession").select_option(label="Infirmier")
    page.get_by_label("Commune").select_option(label="Toulouse")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r".*profession_code=60.*"))
    people = int(page.get_by_test_id("reach-people").inner_text())
    phones = int(page.get_by_test_id("reach-phones").inner_text())
    assert people > 0 and phones <= people
    rows = page.get_by_test_id("directory-table").locator("tbody tr")
    assert rows.count() == min(people, 50)
    assert all("Infirmier" in text for text in rows.locator("td[data-label=Profession]").all_inner_texts())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "directory-filter.png"), full_page=True)

    page.get_by_label("Nom de l'audience").fill("Infirmiers de Toulouse (navigateur)")
    page.get_by_role("button", name="Enregistrer ce filtre comme audience").click()
    page.wait_for_url(re.compile(r".*/annuaire/audiences/\d+$"))
    assert int(page.get_by_test_id("reach-people").inner_text()) == people

    page.goto(f"{base}/annuaire/audiences")
    row = page.locator("tr[data-audience='Infirmiers de Toulouse (navigateur)']")
    assert int(row.locator("td.reach-people").inner_text()) == people
    # the demo's own "Infirmiers de Toulouse" audience designates the same people
    demo_row = page.locator("tr[data-audience='Infirmiers de Toulouse']")
    assert int(demo_row.locator("td.reach-people").inner_text()) == people
    page.screenshot(path=str(ARTIFACTS / "directory-audiences.png"), full_page=True)
    context.close()
