"""In Chromium at phone size: the distribution form says the lot's unit and what the quantity means in all,
the recipient menu narrows to what is typed, and the confirmation repeats it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def test_the_unit_and_the_total_follow_the_lot_and_the_quantity(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_CELL)
    page.goto(f"{server}/stock/")
    section = page.locator("section").filter(has=page.get_by_role("heading", name="Local CPTS — Toulouse"))
    section.locator("tr").filter(has_text="Masques FFP2").first.get_by_role("link", name="Distribuer").click()
    expect(page.get_by_test_id("quantity-unit")).to_have_text("× boîte de 20")  # the script updates it
    page.get_by_label("Quantité distribuée").fill("20")
    expect(page.get_by_test_id("quantity-total")).to_have_text("20 boîtes de 20 = 400 masques")  # the script updates it
    page.get_by_label("Quantité distribuée").fill("1")
    expect(page.get_by_test_id("quantity-total")).to_have_text("1 boîte de 20 = 20 masques")  # the script updates it

    menu = page.locator("#recipient")
    everyone = menu.locator("option").count()
    page.get_by_label("Chercher un destinataire").fill("infirm")
    narrowed = menu.locator("option").all_inner_texts()
    assert 1 < len(narrowed) < everyone and all("Infirmi" in t for t in narrowed[1:])
    menu.select_option(index=1)
    chosen = menu.locator("option:checked").inner_text().split(" — ")[0]
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{server}/stock/")
    confirmation = page.get_by_role("alert").filter(has_text="Distribution enregistrée.")
    assert "1 boîte de 20 = 20 masques de « Masques FFP2 » remis à" in confirmation.inner_text()
    assert chosen.split(" ")[0] in confirmation.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stock-distribution-units.png"), full_page=True)
    context.close()
