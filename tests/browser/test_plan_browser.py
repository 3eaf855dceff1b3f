"""The demo référent, on a phone, writes this year's plan from the demo data, validates and publishes it,
downloads the PDF, starts next year's draft and sees what changed."""

from __future__ import annotations

import re

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_referent_writes_validates_publishes_downloads_and_starts_next_year(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    assert page.get_by_text(re.compile(r"Mise à jour \d{4} (à faire|en retard)")).first.is_visible()
    page.get_by_role("link", name="Plan de crise").click()
    year = int(re.search(r"Plan d'action (\d{4})", page.get_by_role("heading", level=1).inner_text()).group(1))
    assert page.get_by_test_id("plan-status").inner_text() == "Brouillon"
    screenshot(page, "plan-1-draft.png")

    page.locator("#retex").get_by_role("link", name="Modifier").click()
    page.get_by_label("Méthode d'évaluation").fill("RETEX à chaud sous huit jours, à froid sous un mois, "
                                                   "avec la grille de l'ARS.")
    screenshot(page, "plan-2-edit-retex.png")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("alert").filter(has_text="Section « Retour d'expérience » enregistrée.").is_visible()

    page.get_by_role("button", name="Valider le plan").click()
    assert page.get_by_test_id("plan-status").inner_text() == "Validé"
    page.get_by_role("button", name="Publier le plan").click()
    assert "sera publié" in page.get_by_test_id("confirm-sentence").inner_text()
    page.get_by_role("button", name="Confirmer la publication").click()
    assert page.get_by_test_id("plan-status").inner_text() == "Publié"
    screenshot(page, "plan-3-published.png")

    plan_url = page.url
    with page.expect_download() as download:  # through the wait page while a worker makes it
        page.get_by_role("link", name="Télécharger le PDF").click()
    pdf_path = download.value.path()
    assert open(pdf_path, "rb").read(5) == b"%PDF-"
    assert download.value.suggested_filename == f"plan-action-{year}.pdf"
    page.goto(plan_url)

    page.get_by_role("button", name=f"Démarrer le plan {year + 1}").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Plan d'action {year + 1}")
    page.locator("#pilotage").get_by_role("link", name="Modifier").click()
    page.get_by_label("Lieu de réunion de la cellule").fill("Salle du conseil de la mairie de Blagnac.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name=f"Différences avec {year}").click()
    changes = page.get_by_test_id("diff-pilotage")
    assert "Salle du conseil de la mairie de Blagnac." in changes.inner_text()
    assert "Aucun changement." in page.get_by_test_id("diff-anticipation").inner_text()
    screenshot(page, "plan-4-differences.png")
    context.close()


def test_the_ars_observer_reads_the_indicators_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.ARS_OBSERVER)
    page.goto(f"{server}/plan/indicateurs")
    tiles = page.get_by_test_id("plan-indicators")
    assert "Plan d'action rédigé" in tiles.inner_text() and "Oui" in tiles.inner_text()
    assert page.get_by_role("button", name="Publier le plan").count() == 0
    screenshot(page, "plan-5-indicators-ars.png")
    context.close()
