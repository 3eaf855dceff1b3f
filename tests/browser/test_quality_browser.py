"""On a phone-sized screen: a professional declares anonymously (the draft survives a reload), a quality referent
triages it, and the secret follow-up link shows the new state and the referent's word. Screenshots in
test-artifacts/."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "fr-FR"}
STORY = "Livraison du lit médicalisé sans barrières un vendredi soir ; chute la nuit suivante, sans fracture."


def _declare_anonymously(page, server: str) -> str:
    page.goto(f"{server}/qualite/declarer")
    assert page.get_by_test_id("no-patient-data").is_visible()
    page.get_by_label("Que s'est-il passé ?").fill(STORY)
    page.reload()  # a lost connection, a closed tab: the draft is still there
    assert page.get_by_label("Que s'est-il passé ?").input_value() == STORY
    page.get_by_label("Date de l'événement").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Lieu").select_option("domicile")
    page.get_by_label("Catégorie").select_option("chute")
    page.get_by_label("Nature de l'événement").select_option("eias")
    page.locator('input[name="reached_patient"][value="oui"]').check()
    page.get_by_label("Mesures prises immédiatement").fill("Examen infirmier, prestataire relancé.")
    page.locator('input[name="severity"][value="2"]').check()
    page.locator('input[name="likelihood"][value="4"]').check()
    page.locator('input[name="anonymous"][value="oui"]').check()
    screenshot(page, "quality-1-declaration-form.png")
    page.get_by_test_id("send-declaration").click()
    link = page.get_by_test_id("follow-up-link")
    link.wait_for()
    screenshot(page, "quality-2-follow-up-link-shown-once.png")
    return link.get_attribute("href")


def test_anonymous_declaration_then_triage_then_the_follow_up_link_shows_the_decision(server, browser):
    professional = browser.new_context(**PHONE)
    page = professional.new_page()
    log_in(page, server, Role.PROFESSIONAL)
    follow_up = _declare_anonymously(page, server)
    page.goto(f"{server}/qualite/declarer")  # the draft was cleared once sent
    assert page.get_by_label("Que s'est-il passé ?").input_value() == ""
    professional.close()

    anonymous = browser.new_context(**PHONE)
    visitor = anonymous.new_page()
    visitor.goto(follow_up)
    assert visitor.get_by_test_id("follow-up-state").inner_text() == "Déclaré"
    reference = visitor.get_by_role("heading", level=1).inner_text().split()[-1]

    referent = browser.new_context(**PHONE)
    page = referent.new_page()
    log_in(page, server, Role.QUALITY_REFERENT)
    page.goto(f"{server}/qualite/registre?state=a_trier")
    page.get_by_role("link", name=reference).click()
    page.locator('input[name="severity"][value="2"]').check()
    page.locator('input[name="likelihood"][value="4"]').check()
    page.locator('input[name="decision"][value="traitement_simple"]').check()
    page.get_by_label("Retour au déclarant (facultatif, visible sur sa page de suivi)").fill(
        "Merci : le prestataire vérifie désormais les barrières à la livraison.")
    screenshot(page, "quality-3-triage.png")
    page.get_by_test_id("triage-submit").click()
    assert page.get_by_test_id("event-state").inner_text() == "Traitement simple"
    referent.close()

    visitor.reload()
    assert visitor.get_by_test_id("follow-up-state").inner_text() == "Traitement simple"
    assert "vérifie désormais les barrières" in visitor.get_by_test_id("follow-up-feedback").inner_text()
    screenshot(visitor, "quality-4-follow-up-after-triage.png")
    anonymous.close()
