"""The demo coordinator hands masks out to a structure in Chromium and sees the stock drop on the overview."""

from __future__ import annotations

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def _masks_row(page):
    section = page.locator("section").filter(has=page.get_by_role("heading", name="Local CPTS — Toulouse"))
    return section.locator("tr").filter(has_text="Masques FFP2").first


def test_coordinator_distributes_masks_to_a_structure_and_sees_the_quantity_drop(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.COORDINATOR)
    assert page.get_by_text("Stock de matériel").first.is_visible()  # the home card
    page.goto(f"{server}/stock/")
    row = _masks_row(page)
    before = int(row.locator(".stock-qty").inner_text())
    row.get_by_role("link", name="Distribuer").click()
    page.wait_for_url(f"{server}/stock/distribution?lot_id=*")
    assert "Masques FFP2" in page.get_by_label("Lot").locator("option:checked").inner_text()
    page.get_by_label("Quantité distribuée").fill("2")
    page.get_by_label("ou structure destinataire").fill("EHPAD Les Tilleuls — Tournefeuille")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{server}/stock/")
    assert page.get_by_role("alert").filter(has_text="Distribution enregistrée.").is_visible()
    assert int(_masks_row(page).locator(".stock-qty").inner_text()) == before - 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stock-after-distribution.png"), full_page=True)
    page.goto(f"{server}/stock/mouvements?kind=distribution")
    latest = page.get_by_test_id("stock-movements").locator("tbody tr").first
    assert "EHPAD Les Tilleuls — Tournefeuille" in latest.inner_text() and "Masques FFP2" in latest.inner_text()
    context.close()


def test_handing_out_more_than_the_lot_holds_is_refused_in_french(server, browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_CELL)
    page.goto(f"{server}/stock/")
    row = _masks_row(page)
    before = int(row.locator(".stock-qty").inner_text())
    row.get_by_role("link", name="Distribuer").click()
    page.get_by_label("Quantité distribuée").fill(str(before + 1))
    page.get_by_label("ou structure destinataire").fill("SSIAD du Muretain")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("alert").filter(has_text=f"Stock insuffisant : il reste {before} ").is_visible()
    page.goto(f"{server}/stock/")
    assert int(_masks_row(page).locator(".stock-qty").inner_text()) == before
    context.close()
