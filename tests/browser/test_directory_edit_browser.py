"""Issue 9's coordinator path at phone size: find a person by full name typed without accents and in any
order, open the entry, save it unchanged, and find the skills intact (embedded default, demo data)."""

from __future__ import annotations

import re
import unicodedata

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def _bare(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def test_find_by_name_without_accents_then_save_unchanged_keeps_the_skills(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.COORDINATOR)
    page.goto(f"{server}/annuaire/")
    page.get_by_label("Compétence").select_option(index=1)
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r".*tag=.*"))
    link = page.get_by_test_id("directory-table").locator("tbody tr td[data-label=Nom] a").first
    last, first = link.inner_text().split(" ", 1)

    page.goto(f"{server}/annuaire/")
    page.get_by_label("Nom, prénom, téléphone, RPPS").fill(f"{_bare(first).lower()} {_bare(last).upper()}")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_test_id("directory-table").get_by_role("link", name=f"{last} {first}").first.click()
    skills = page.locator("dt:has-text('Compétences') + dd").inner_text()
    assert skills and skills != "—"

    page.get_by_role("link", name="Modifier").click()
    assert "ProfessionalTag" not in page.content()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("alert").filter(has_text="Fiche enregistrée.").wait_for()
    assert page.locator("dt:has-text('Compétences') + dd").inner_text() == skills
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "directory-saved-unchanged.png"), full_page=True)
    context.close()
