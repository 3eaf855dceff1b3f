"""On a phone: the référent publishes the population's information page of the demo exercise (after a
confirmation), a reader without an account opens it (no cookie, no script), then the référent withdraws it and the
address answers « page introuvable »."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_the_population_page_is_published_read_anonymously_and_withdrawn(server, browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    page.goto(f"{server}/crises/")
    page.get_by_role("link", name="Exercice NRC — accident industriel").first.click()
    page.get_by_role("link", name="Information de la population").click()
    page.get_by_label("Ce qui se passe").fill("Exercice : un accident industriel est simulé à Colomiers.")
    page.get_by_label("Où aller").fill("Gymnase de Colomiers, point d'accueil, 8 h – 20 h")
    page.get_by_role("button", name="Publier la page…").click()
    assert "aucune donnée personnelle" in page.get_by_test_id("confirm-sentence").inner_text()
    page.get_by_role("button", name="Confirmer la publication").click()
    link = page.get_by_test_id("population-link").inner_text()
    screenshot(page, "public-page-1-published.png")

    reader_context = browser.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    reader = reader_context.new_page()
    response = reader.goto(link)
    assert response.status == 200 and response.headers["cache-control"] == "public, max-age=60"
    assert "accident industriel est simulé" in reader.get_by_test_id("public-text").inner_text()
    assert "Gymnase de Colomiers" in reader.get_by_test_id("public-places").inner_text()
    expect(reader.get_by_test_id("public-updated")).to_be_visible()
    assert reader_context.cookies() == []
    screenshot(reader, "public-page-2-read-anonymously.png")
    width_context = browser.new_context(viewport=PHONE, locale="fr-FR")  # scripts on, to measure the width
    width = width_context.new_page()
    width.goto(link)
    assert width.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Retirer la page…").click()
    page.get_by_role("button", name="Confirmer le retrait").click()
    expect(page.get_by_role("alert").filter(has_text="Page d'information retirée.")).to_be_visible()
    # a reader who never opened it (one who did keeps their copy a minute: max-age=60)
    gone_context = browser.new_context(viewport=PHONE, locale="fr-FR")
    gone = gone_context.new_page()
    response = gone.goto(link)
    assert response.status == 404 and gone.get_by_role("heading", name="Page introuvable").is_visible()
    screenshot(gone, "public-page-3-withdrawn.png")
    for c in (context, reader_context, width_context, gone_context):
        c.close()
