"""The pages speak to people: labels instead of codes and field names, no word said twice (demo data, phone size)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# Pages outside the alert pages and the audit trail (their wording is their owners' work in progress).
PAGES = ["/", "/mon-compte", "/admin/utilisateurs", "/annuaire/", "/annuaire/audiences", "/annuaire/organisations",
         "/annuaire/import/", "/annuaire/ma-fiche", "/stock/", "/stock/mouvements", "/stock/distribution",
         "/stock/reception", "/stock/sortie", "/stock/inventaire", "/stock/articles", "/stock/lieux"]
# an identifier (profession_code), a "key = value" pair, or a word repeated in brackets
CODE_LIKE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b\w+ = \w+|\((\w+)\) \(\1\)")


@pytest.fixture
def coordinator(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.COORDINATOR)
    yield page
    context.close()


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def test_main_pages_show_no_field_names_or_codes(server, coordinator):
    found = {}
    for path in PAGES:
        coordinator.goto(f"{server}{path}")
        found[path] = sorted({m.group(0) for m in CODE_LIKE.finditer(_main_text(coordinator))})
    assert found == {path: [] for path in PAGES}


def test_a_saved_filter_reads_in_words(server, coordinator):
    coordinator.goto(f"{server}/annuaire/audiences")
    coordinator.get_by_role("link", name="Infirmiers de Toulouse", exact=True).click()
    expect(coordinator.locator("main")).to_contain_text("Profession : Infirmier · Commune : Toulouse")
    assert not CODE_LIKE.search(_main_text(coordinator))


def test_a_record_shows_labels_and_a_clear_consent_column(server, coordinator):
    coordinator.goto(f"{server}/annuaire/")
    coordinator.locator("main table a[href^='/annuaire/']").first.click()
    consents = coordinator.get_by_test_id("consents")
    expect(consents).to_contain_text("Mode de recueil")
    assert "Comment" not in consents.inner_text()
    profession = coordinator.locator("dt:text-is('Profession') + dd").inner_text()
    assert not re.search(r"\d", profession)


def test_the_exercise_group_says_exercices_once(server, coordinator):
    coordinator.goto(f"{server}/annuaire/audiences")
    row = coordinator.locator("tr", has_text="Groupe test")
    expect(row).to_have_count(1)
    assert row.inner_text().lower().count("exercice") == 1


def test_the_export_form_asks_for_no_code(server, coordinator):
    coordinator.goto(f"{server}/annuaire/import/")
    assert "Code profession" not in _main_text(coordinator)
    assert "Code commune" not in _main_text(coordinator)
