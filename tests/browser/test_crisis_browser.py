"""The day the CPTS exists for, in Chromium: the référent opens a crisis, raises it to gradation 2, activates the
cellule; the cellule's journal page receives entries live while a member and Vigie write in it; masks handed out
show on the board; the crisis is closed, the RETEX written from the pre-filled figures, validated and sent (each
delivery's state shown; the e-mail with its PDF reaching a real SMTP server is tests/crises/test_retex_send.py)."""

from __future__ import annotations

import re

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")


def test_a_referent_runs_a_crisis_from_opening_to_the_sent_retex(server, browser):
    referent_ctx, cell_ctx = _phone(browser), _phone(browser)
    page = referent_ctx.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)

    page.goto(f"{server}/crises/nouvelle")
    page.get_by_label("Intitulé").fill("Épidémie de grippe aviaire")
    page.get_by_label("Typologie").select_option(label="Patients atteints par un agent infectieux émergent")
    page.get_by_label("Autorité qui a qualifié la crise").select_option(label="ARS")
    page.get_by_label("Référence de la qualification").fill("ARS-OCC 2026-331")
    page.get_by_label("Date et heure de la qualification").fill("2026-11-30T09:15")
    page.get_by_role("button", name="Ouvrir").click()
    page.wait_for_url(re.compile(r".*/crises/\d+$"))
    crisis_url = page.url
    assert page.get_by_test_id("crisis-banner").filter(has_text="Crise active — gradation 1").is_visible()
    assert "30/11/2026 09:15" in page.get_by_test_id("crisis-facts").inner_text()
    screenshot(page, "crisis-opened.png")

    page.get_by_role("link", name="Passer en gradation 2").click()
    page.wait_for_url(re.compile(r".*/niveau\?gradation=2$"))
    assert page.get_by_test_id("plan-presets").is_visible()
    page.get_by_label("Motif").fill("L'ARS demande l'ouverture d'un centre dédié")
    page.get_by_role("button", name="Changer de niveau").click()
    page.wait_for_url(re.compile(r".*/crises/\d+#niveau$"))
    assert page.get_by_test_id("crisis-level").inner_text() == "Gradation 2"
    preset = page.get_by_test_id("plan-presets").get_by_role("link").first
    assert "modele=" in preset.get_attribute("href")
    screenshot(page, "crisis-gradation-2.png")

    page.goto(f"{crisis_url}/cellule")
    page.get_by_role("button", name="Alerter les membres cochés").click()
    page.get_by_test_id("roll-call").wait_for()
    screenshot(page, "crisis-cellule.png")

    cell = cell_ctx.new_page()
    log_in(cell, server, Role.CRISIS_CELL)
    cell.goto(f"{crisis_url}/journal")
    assert "Cellule de crise activée" in cell.get_by_test_id("journal").inner_text()

    page.goto(f"{crisis_url}/journal")
    page.get_by_label("Nature").select_option(label="Décision")
    page.get_by_label("Texte").fill("Ouverture du centre de consultation au gymnase Jean-Moulin")
    page.get_by_role("button", name="Inscrire au journal").click()
    # the cellule's page was not reloaded: the entry arrives through the live feed
    cell.get_by_test_id("journal-rows").get_by_text("gymnase Jean-Moulin").wait_for(timeout=20_000)
    screenshot(cell, "crisis-journal-live.png")

    page.goto(f"{server}/stock/distribution")
    page.get_by_label("Lot").select_option(index=1)
    page.get_by_label("Quantité distribuée").fill("3")
    page.get_by_label("ou structure destinataire").fill("Centre de consultation Jean-Moulin")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{server}/stock/")
    page.goto(f"{crisis_url}/tableau")
    assert "3" in page.get_by_test_id("handed-out-totals").inner_text()
    screenshot(page, "crisis-board.png")

    page.goto(crisis_url)
    stops = page.get_by_test_id("close-stops")
    assert "arrête aussitôt 1 alerte en cours" in stops.inner_text(), "the close says what it will stop"
    assert "Épidémie de grippe aviaire" in page.get_by_label("Message de fin", exact=True).input_value()
    page.get_by_label("Motif de la clôture").fill("Fin de l'épisode épidémique")
    screenshot(page, "crisis-close-confirm.png")
    page.get_by_role("button", name="Clore la crise").click()
    page.wait_for_url(re.compile(r".*/retex$"))
    assert "Gradation 2" in page.get_by_test_id("retex-figures").locator("xpath=..").inner_text()
    page.get_by_label("Ce qui a fonctionné").fill("La cellule a été réunie en moins d'une heure.")
    page.get_by_label("Ce qui n'a pas fonctionné").fill("Le stock de masques du centre était trop juste.")
    page.locator("#action-title-1").fill("Doubler la dotation de masques du centre")
    page.locator("#action-owner-1").fill("Référent crise")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_role("button", name="Valider le retour d'expérience").click()
    page.get_by_test_id("retex-status").filter(has_text="Validée").wait_for()
    screenshot(page, "crisis-retex-validated.png")

    page.get_by_role("button", name="Envoyer le retour d'expérience").click()
    deliveries = page.get_by_test_id("retex-deliveries")
    deliveries.wait_for()
    for _ in range(30):  # the worker delivers to the built-in sink; the page shows each delivery's state
        if "envoyé" in deliveries.inner_text():
            break
        page.wait_for_timeout(1000)
        page.reload()
    assert "ARS" in deliveries.inner_text() and "envoyé" in deliveries.inner_text()
    screenshot(page, "crisis-retex-sent.png")

    # The RETEX's action is in the one action plan: the quality referent follows it to its verified effect, and
    # the crisis referent reads that on the RETEX.
    quality_ctx = _phone(browser)
    quality = quality_ctx.new_page()
    log_in(quality, server, Role.QUALITY_REFERENT)
    quality.goto(f"{server}/qualite/actions")
    card = quality.locator("article").filter(has_text="Doubler la dotation de masques du centre")
    assert "RETEX — Épidémie de grippe aviaire" in card.inner_text()
    assert card.get_by_role("link", name="RETEX — Épidémie de grippe aviaire").count() == 0, \
        "no link to a page the quality referent would be refused"
    for status, evidence in (("En cours", ""), ("Réalisée", "Dotation portée à 400 masques (bon de commande 2026-118)"),
                             ("Efficacité vérifiée", "Inventaire de décembre : 400 masques en place")):
        card = quality.locator("article").filter(has_text="Doubler la dotation de masques du centre")
        card.get_by_label("Passer à").select_option(label=status)
        card.get_by_label("Preuve (note)").fill(evidence)
        card.get_by_role("button", name="Mettre à jour").click()
        quality.wait_for_url(f"{server}/qualite/actions")
        card = quality.locator("article").filter(has_text="Doubler la dotation de masques du centre")
        assert f"Statut : {status}" in card.inner_text()
    screenshot(quality, "crisis-retex-action-verified-by-quality.png")

    page.reload()
    retex_actions = page.get_by_test_id("retex-actions").inner_text()
    assert "Doubler la dotation de masques du centre" in retex_actions and "Efficacité vérifiée" in retex_actions
    assert "Inventaire de décembre" in retex_actions
    screenshot(page, "crisis-retex-action-seen-by-referent.png")
    quality_ctx.close()
    referent_ctx.close()
    cell_ctx.close()
