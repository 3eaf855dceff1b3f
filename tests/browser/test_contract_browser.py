"""In Chromium at 390×844, against the embedded server and its real Celery worker: the coordinator sets the
contract and sees its calendar, produces the annual report (the documents' wait page, then the download), and an
observer of the ARS logs in and reads it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_coordinator_sets_the_contract_produces_the_report_and_the_observer_reads_it(server, browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    log_in(page, server, Role.COORDINATOR)
    page.goto(f"{server}/contrat/")
    page.get_by_label("Date de signature du contrat").fill("2025-03-10")
    page.get_by_label("Taille de la CPTS").select_option("3")
    page.get_by_role("button", name="Enregistrer le contrat").click()
    page.get_by_text("Contrat enregistré.").wait_for()
    calendar = page.get_by_test_id("contract-calendar")
    assert "10/09/2025" in calendar.inner_text() and "10/09/2026" in calendar.inner_text()
    _fits(page)
    screenshot(page, "contract-set.png")

    page.goto(f"{server}/contrat/bilan")
    page.get_by_label("Année").select_option(str(date.today().year))
    # the worker beside the embedded server makes it; the wait page follows it and starts the download by itself
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Produire le bilan (PDF)").click()
        page.wait_for_url(re.compile(r".*/documents/\d+\?telecharger=1$"))
        page.get_by_test_id("document-box").wait_for()
        screenshot(page, "contract-report-progress.png")
    assert download.value.suggested_filename == f"bilan-annuel-{date.today().year}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    page.get_by_test_id("document-ready").wait_for(timeout=20_000)
    _fits(page)
    screenshot(page, "contract-report-ready.png")
    context.close()

    observer = browser.new_context(viewport=PHONE, locale="fr-FR", accept_downloads=True)
    page = observer.new_page()
    log_in(page, server, Role.ARS_OBSERVER)
    page.get_by_role("link", name="Ouvrir les bilans").click()
    page.wait_for_url(f"{server}/contrat/bilan")
    _fits(page)
    screenshot(page, "contract-report-observer.png")
    page.get_by_test_id("reports").get_by_role("link", name="Prêt").first.click()
    with page.expect_download(timeout=20_000) as download:
        page.get_by_test_id("document-download").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    observer.close()
