"""The main alert path in Chromium: the référent sends from a template and watches the counters move live, a
professional answers from the link of their SMS (no login), and the answer appears on the référent's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_referent_alerts_the_cellule_and_an_answer_comes_back(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    page.get_by_role("link", name="Nouvelle alerte").click()
    page.get_by_label("Partir d'un modèle").select_option(label="Agent infectieux émergent — gradation 2")
    page.get_by_role("button", name="Charger le modèle").click()
    assert "centre de consultation dédié" in page.get_by_label("Texte du SMS").input_value()
    page.get_by_label("Texte du SMS").fill("Renfort demandé ce soir au centre dédié. Êtes-vous disponible ?")
    expect(page.locator("#sms-size")).to_contain_text("UCS-2")  # live count: "Ê" is not GSM-7
    page.get_by_label("Audience").select_option(label="Cellule de crise")
    page.get_by_role("button", name="Envoyer l'alerte").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    detail_url = page.url
    recipients = page.get_by_test_id("count-recipients").inner_text()
    assert int(recipients) > 0
    # the worker delivers every SMS to the outbox; the page follows without the référent reloading it
    expect(page.get_by_test_id("state-sms-sent")).to_have_text(recipients, timeout=60_000)
    screenshot(page, "alert-sent.png")

    outbox = context.new_page()
    outbox.goto(f"{server}/alertes/boite-d-envoi")
    link = re.search(r"/r/\d+\.[A-Za-z0-9_-]+", outbox.locator("table").inner_text()).group(0)

    answering = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    answering.goto(f"{server}{link}")
    answering.get_by_label("Commentaire (facultatif)").fill("j'arrive avec des masques")
    answering.get_by_role("button", name="Disponible sous 1 h").click()
    expect(answering.get_by_text("est enregistrée")).to_be_visible()
    screenshot(answering, "alert-answer.png")

    assert page.url == detail_url
    expect(page.get_by_test_id("count-answered")).to_have_text("1", timeout=30_000)
    page.reload()
    expect(page.get_by_text("j'arrive avec des masques").first).to_be_visible()
    context.close()
