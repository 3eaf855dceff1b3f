"""Liberal answers in Chromium at phone size: the référent asks the cellule for cabinet hours, a member answers
« Cabinet ouvert jusqu'à 20 h » on the answer page of the message she received, the référent sees the sum on the
follow-up page, then that person's answers over the year."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "fr-FR"}


def test_a_member_gives_her_closing_hour_and_the_referent_sees_the_sum_and_her_history(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    page.goto(f"{server}/alertes/nouvelle")
    page.get_by_label("Titre").fill("Cabinets ouverts ce soir")
    page.get_by_label("Texte du SMS").fill("Epidemie : pouvez-vous ouvrir votre cabinet plus tard ce soir ?")
    page.get_by_label("Texte de l'e-mail").fill("Bonjour, pouvez-vous ouvrir votre cabinet plus tard ce soir ?")
    page.get_by_label("Réponse attendue").select_option(value="liberal")
    audience = page.get_by_label("Audience")
    audience.select_option(value=audience.locator("option", has_text="Cellule de crise").first.get_attribute("value"))
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    expect(page.get_by_test_id("confirm-sms")).to_contain_text("Répondre : http")
    page.get_by_test_id("confirm-send").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    detail_url = page.url
    # the worker delivers every message to the built-in outbox before the member looks at hers
    expect(page.get_by_test_id("count-waiting")).to_have_text("0", timeout=60_000)

    member = browser.new_context(**PHONE).new_page()
    log_in(member, server, Role.CRISIS_CELL)
    member.goto(f"{server}/mes-messages")
    mine = member.locator("li.message-item", has_text="plus tard ce soir").first
    mine.locator('a[href*="/r/"]').first.click()
    expect(member.get_by_role("heading", name="Cabinets ouverts ce soir")).to_be_visible()
    member.get_by_label(re.compile("Cabinet ouvert jusqu'à")).fill("20:00")
    screenshot(member, "liberal-answer.png")
    member.get_by_role("button", name="Envoyer « Cabinet ouvert jusqu'à »").click()
    expect(member.get_by_text("« Cabinet ouvert jusqu'à 20\u00a0h » est enregistrée")).to_be_visible(timeout=15_000)
    screenshot(member, "liberal-answer-recorded.png")

    page.goto(detail_url)
    expect(page.get_by_test_id("alert-offer")).to_contain_text(
        "Cabinet ouvert jusqu'à : 1\u00a0personne, jusqu'à 20\u00a0h au plus tard", timeout=15_000)
    screenshot(page, "liberal-follow-up.png")
    answered = page.get_by_test_id("person").filter(has_text="Cabinet ouvert jusqu'à 20")
    answered.get_by_test_id("person-history").click()
    expect(page.get_by_role("heading", name=re.compile("Réponses aux alertes"))).to_be_visible()
    expect(page.get_by_test_id("history-row").first).to_contain_text("Cabinets ouverts ce soir")
    expect(page.get_by_test_id("history-row").first).to_contain_text("Cabinet ouvert jusqu'à 20\u00a0h")
    assert int(page.get_by_test_id("history-answered").inner_text()) >= 1
    screenshot(page, "liberal-history.png")
    context.close()
