"""On a phone: during the demo exercise, the référent writes a point de situation composed from the run, sends it
to two partner organisations after a confirmation, and the outbox shows the two messages; the journal notes it."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_point_de_situation_is_sent_to_two_partners(server, browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    page.goto(f"{server}/crises/")
    page.get_by_role("link", name="Exercice NRC — accident industriel").first.click()
    crisis_url = page.url
    page.get_by_role("link", name="Points de situation").click()
    page.get_by_role("link", name="Rédiger un point de situation").click()
    text = page.get_by_test_id("situation-text")
    assert "Niveau actuel : Gradation 1." in text.input_value()
    text.fill(text.input_value() + "\n\nLe PMA est installé devant la mairie.")
    screenshot(page, "situation-1-composed.png")
    page.get_by_role("button", name="Enregistrer le point de situation").click()
    number = re.search(r"Point de situation n° (\d+)", page.get_by_role("heading", level=2).inner_text()).group(1)

    page.get_by_label("CPAM de la Haute-Garonne").check()
    page.get_by_label("MSA Midi-Pyrénées Nord").check()
    page.get_by_role("button", name="Envoyer…").click()
    sentence = page.get_by_test_id("confirm-sentence").inner_text()
    assert "2\u00a0organisations" in sentence and "2\u00a0destinataires" in sentence
    screenshot(page, "situation-2-confirm.png")
    page.get_by_role("button", name="Confirmer l'envoi").click()
    deliveries = page.get_by_test_id("situation-deliveries")
    expect(deliveries).to_contain_text("Marc Lefèvre (CPAM de la Haute-Garonne)")
    expect(deliveries).to_contain_text("Sandrine Faure (MSA Midi-Pyrénées Nord)")
    screenshot(page, "situation-3-sent.png")

    subject = f"point de situation n° {number}"
    deadline = time.monotonic() + 60
    while True:
        page.goto(f"{server}/boite-d-envoi?q={subject}")
        if page.get_by_test_id("total").inner_text().startswith("2\u00a0messages") or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert page.get_by_test_id("total").inner_text().startswith("2\u00a0messages")
    screenshot(page, "situation-4-outbox.png")
    page.goto(f"{crisis_url}/journal")
    assert f"Point de situation n° {number} envoyé à" in page.get_by_test_id("journal").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
