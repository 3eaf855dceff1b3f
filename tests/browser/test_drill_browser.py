"""A drill of the alert chain at phone size: the référent launches an unannounced drill to the cellule, a member
answers from the link of the message they received (marked EXERCICE), the drill's page shows the shares and the
chart beside the demo's previous drill, and the référent downloads the report for the ARS."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", accept_downloads=True)


def test_referent_runs_an_unannounced_drill_and_downloads_its_report(server, browser):
    context = _phone(browser)
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    page.goto(f"{server}/alertes/")
    page.get_by_role("link", name="Exercices d'alerte").click()
    page.get_by_role("link", name="Nouvel exercice d'alerte").click()
    page.get_by_label("Intitulé").fill("Exercice inopiné de la cellule")
    audience = page.get_by_label("Audience")
    audience.select_option(value=audience.locator("option", has_text="Cellule de crise").first.get_attribute("value"))
    expect(page.get_by_label("Inopiné : lancer maintenant")).to_be_checked()
    screenshot(page, "drill-new.png")
    page.get_by_role("button", name="Enregistrer l'exercice").click()
    page.wait_for_url(re.compile(r".*/alertes/exercices/\d+$"))
    drill_url = page.url
    expect(page.get_by_text("Exercice lancé")).to_be_visible()
    people = int(page.get_by_test_id("drill-people").inner_text())
    assert people > 0
    expect(page.get_by_test_id("drill-answered")).to_have_text("0")

    member = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    log_in(member, server, Role.CRISIS_CELL)
    member.goto(f"{server}/mes-messages")
    # the worker sent it: this drill's own message (the demo's drill of last week is there too); the page is not
    # live, so the member opens it again until the worker's delivery shows, as a person would
    mine = member.locator("li.message-item", has_text="Exercice inopiné de la cellule").first
    deadline = time.monotonic() + 90
    while not mine.count() and time.monotonic() < deadline:
        member.wait_for_timeout(2_000)
        member.goto(f"{server}/mes-messages")
    expect(mine).to_be_visible()
    mine.locator('a[href*="/r/"]').first.click()
    expect(member.locator("#contenu").get_by_text("EXERCICE", exact=True)).to_be_visible()  # the answer page too
    member.get_by_role("button", name="Bien reçu").click()
    expect(member.get_by_text("est enregistrée")).to_be_visible()
    screenshot(member, "drill-answer.png")

    page.goto(drill_url)
    expect(page.get_by_test_id("drill-answered")).to_have_text("1")
    share = round(100 / people)
    expect(page.get_by_test_id("drill-share-5")).to_have_text(f"{share} %")  # answered within the first minutes
    chart = page.get_by_test_id("drill-chart").locator("svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("cet exercice")
    expect(chart).to_contain_text("précédent")  # the demo's drill of last week
    expect(page.get_by_test_id("by-profession")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "drill-figures.png")

    with page.expect_download(timeout=90_000) as download:
        page.get_by_test_id("drill-report").click()
        page.wait_for_url(re.compile(r".*/documents/\d+\?telecharger=1$"))
    assert re.fullmatch(r"exercice-alerte-\d+\.pdf", download.value.suggested_filename)
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_test_id("document-ready").wait_for(timeout=20_000)
    screenshot(page, "drill-report.png")
    context.close()
