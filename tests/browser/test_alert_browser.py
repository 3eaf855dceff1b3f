"""The main alert path in Chromium at phone size: the référent sends from a template, checks the exact SMS on
the confirmation step, watches the counters move live, a cellule member answers from the link of the SMS they
received (the demo's "my messages"), and the answer appears on the référent's page; the référent sees who has
not answered with a call link, then ends the alert after a last look."""

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
    audience = page.get_by_label("Audience")
    value = audience.locator("option", has_text="Cellule de crise").first.get_attribute("value")
    audience.select_option(value=value)
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    # the last look: the exact SMS with its link and the sender, its real size, people per channel, real or not
    expect(page.get_by_test_id("confirm-sms")).to_contain_text("Répondre : http")
    expect(page.get_by_test_id("confirm-sms")).to_contain_text("Julien Mercier")
    expect(page.get_by_test_id("confirm-sms-size")).to_contain_text("SMS")
    expect(page.get_by_text("ALERTE RÉELLE")).to_be_visible()
    screenshot(page, "alert-confirm.png")
    people = int(page.get_by_test_id("confirm-people").inner_text())
    assert people > 0
    page.get_by_test_id("confirm-send").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    detail_url = page.url
    expect(page.get_by_test_id("count-recipients")).to_have_text(str(people))
    # the worker delivers every SMS to the outbox; the page follows without the référent reloading it
    expect(page.get_by_test_id("count-reached")).to_have_text(str(people), timeout=60_000)
    screenshot(page, "alert-sent.png")

    member = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    log_in(member, server, Role.CRISIS_CELL)
    member.goto(f"{server}/mes-messages")
    member.locator('a[href*="/r/"]').first.click()
    member.get_by_label(re.compile("Commentaire")).fill("j'arrive avec des masques")
    member.get_by_role("button", name="Disponible sous 1 h").click()
    expect(member.get_by_text("est enregistrée")).to_be_visible()
    screenshot(member, "alert-answer.png")

    assert page.url == detail_url
    expect(page.get_by_test_id("count-answered")).to_have_text("1", timeout=30_000)
    page.reload()
    expect(page.get_by_text("j'arrive avec des masques").first).to_be_visible()
    # who has not answered, first, each with a call link to their mobile
    page.get_by_role("link", name="Voir qui n'a pas répondu").click()
    rows = page.get_by_test_id("person")
    expect(rows).to_have_count(people - 1)
    assert page.get_by_test_id("call").first.get_attribute("href").startswith("tel:+33")
    screenshot(page, "alert-silent.png")
    page.goto(detail_url)
    page.get_by_role("button", name="Préparer la fin d'alerte…").click()
    expect(page.locator(".sms-preview")).to_contain_text("fin de l'alerte")
    page.get_by_test_id("confirm-end").click()
    expect(page.get_by_text("Message de fin d'alerte envoyé")).to_be_visible()
    context.close()
