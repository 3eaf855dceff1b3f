"""The main alert path in Chromium: the référent sends from a template, watches the counters move, a
professional answers from the link of their SMS (no login), and the answer appears."""

from __future__ import annotations

import re
import time

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _reload_until(page, test_id: str, expected: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while page.get_by_test_id(test_id).count() == 0 or page.get_by_test_id(test_id).inner_text() != expected:
        assert time.monotonic() < deadline, f"{test_id} never reached {expected}"
        time.sleep(0.5)
        page.reload()


def test_referent_alerts_the_cellule_and_an_answer_comes_back(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    page.goto(f"{server}/alertes/nouvelle")
    page.get_by_label("Partir d'un modèle").select_option(label="Agent infectieux émergent — gradation 2")
    page.get_by_role("button", name="Charger le modèle").click()
    assert "centre de consultation dédié" in page.get_by_label("Texte du SMS").input_value()
    assert "SMS" in page.locator("#sms-size").inner_text()
    page.get_by_label("Audience").select_option(label="Cellule de crise")
    page.get_by_role("button", name="Envoyer l'alerte").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    recipients = page.get_by_test_id("count-recipients").inner_text()
    assert int(recipients) > 0
    _reload_until(page, "state-sms-sent", recipients)  # the worker delivered every SMS to the outbox
    screenshot(page, "alert-sent.png")

    page.goto(f"{server}/alertes/boite-d-envoi")
    link = re.search(r"/r/\d+\.[A-Za-z0-9_-]+", page.locator("table").inner_text()).group(0)

    answering = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    answering.goto(f"{server}{link}")
    answering.get_by_label("Commentaire (facultatif)").fill("j'arrive avec des masques")
    answering.get_by_role("button", name="Disponible sous 1 h").click()
    assert answering.get_by_text("est enregistrée").is_visible()
    screenshot(answering, "alert-answer.png")

    page.goto(f"{server}/alertes/")
    page.get_by_role("link", name=re.compile("Mobilisation")).first.click()
    _reload_until(page, "count-answered", "1")
    assert page.get_by_text("j'arrive avec des masques").first.is_visible()
    context.close()
