"""On a phone: the ARS observer comments a section of the draft plan and the référent answers and resolves; then a
plan missing a typology is refused with the missing steps listed as links, the référent declares the typology
« sans objet sur notre territoire » from the link, and the plan is validated."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _draft(page, server) -> None:
    """Open the version being written (a draft; after the plan test published this year's, next year's)."""
    page.goto(f"{server}/plan/")
    start = page.get_by_role("button", name=re.compile(r"Démarrer le plan \d{4}"))
    if start.count():
        start.click()
    assert page.get_by_test_id("plan-status").inner_text() in ("Brouillon", "Validé")


def test_an_observer_comment_is_answered_and_resolved(server, browser):
    observer_context = browser.new_context(viewport=PHONE, locale="fr-FR")
    observer = observer_context.new_page()
    log_in(observer, server, Role.ARS_OBSERVER)
    referent_context = browser.new_context(viewport=PHONE, locale="fr-FR")
    referent = referent_context.new_page()
    log_in(referent, server, Role.CRISIS_REFERENT)
    _draft(referent, server)
    url = referent.url

    observer.goto(url)
    block = observer.get_by_test_id("comments-pilotage")
    block.get_by_label("Nouveau commentaire sur cette section").fill("Le lieu de repli de la cellule est-il "
                                                                      "accessible la nuit ?")
    block.get_by_role("button", name="Commenter").click()
    expect(observer.get_by_role("alert").filter(has_text="Commentaire enregistré.")).to_be_visible()
    screenshot(observer, "plan-outline-1-observer-comment.png")

    referent.goto(url)
    thread = referent.get_by_test_id("comments-pilotage").get_by_test_id("comment-thread").last
    assert "Agathe Lambert" in thread.inner_text() and "(ARS Occitanie)" in thread.inner_text()
    thread.get_by_label("Répondre").fill("Oui : badge remis au suppléant, ouverture 24 h sur 24.")
    thread.get_by_role("button", name="Envoyer la réponse").click()
    thread = referent.get_by_test_id("comments-pilotage").get_by_test_id("comment-thread").last
    thread.get_by_role("button", name="Marquer comme résolu").click()
    expect(referent.get_by_role("alert").filter(has_text="Fil de commentaires résolu.")).to_be_visible()

    observer.goto(url)
    thread = observer.get_by_test_id("comments-pilotage").get_by_test_id("comment-thread").last
    assert "badge remis au suppléant" in thread.inner_text()
    expect(thread.get_by_test_id("comment-resolved")).to_be_visible()
    assert observer.get_by_role("button", name="Marquer comme résolu").count() == 0
    assert observer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(observer, "plan-outline-2-answered.png")
    observer_context.close()
    referent_context.close()


def test_a_plan_missing_a_typology_is_refused_then_validated_once_declared_sans_objet(server, browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    _draft(page, server)
    plan_url = page.url
    # the référent empties what the plan does for the fifth typology at gradation 2
    page.get_by_role("link", name=re.compile(r"Modifier Blessés somatiques .*gradation 2")).click()
    for field in page.locator("form").first.locator("textarea[name]:not([name^='preset-'])").all():
        field.fill("")
    for box in page.get_by_label("Supprimer ce modèle").all():
        box.check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    page.goto(plan_url)
    page.get_by_role("button", name="Valider le plan").click()
    expect(page.get_by_role("alert").filter(has_text="ne peut pas être validé")).to_be_visible()
    missing = page.get_by_test_id("plan-completeness").get_by_role("link")
    assert missing.count() == 1
    assert missing.first.inner_text().startswith("Blessés somatiques ou psychiques")
    assert "gradation 2" in missing.first.inner_text()
    assert page.get_by_test_id("plan-status").inner_text() == "Brouillon"
    screenshot(page, "plan-outline-3-refused.png")

    missing.first.click()
    form = page.get_by_test_id("plan-not-applicable")
    form.get_by_label("Raison").fill("Aucun site à risque ni grand rassemblement sur le territoire ; le CHU "
                                     "prend en charge les blessés.")
    form.get_by_role("button", name="Enregistrer la déclaration").click()
    expect(page.get_by_text("Sans objet sur notre territoire").first).to_be_visible()
    page.get_by_role("button", name="Valider le plan").click()
    assert page.get_by_test_id("plan-status").inner_text() == "Validé"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "plan-outline-4-validated.png")
    context.close()
