"""A member of the cellule downloads the journal de bord in PDF on a phone: the request answers a wait page with a
progress bar at once, the worker beside the embedded server (on its serverless broker) makes the PDF, the download
starts by itself (JavaScript) or from the page refreshing itself (without JavaScript), and the same journal, unchanged,
downloads at once the next time."""

from __future__ import annotations

import re

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _phone(browser, **options):
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", accept_downloads=True,
                               **options)


def _open_crisis_journal(page, server: str) -> str:
    page.goto(f"{server}/crises/")
    href = next(h for h in page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
                if h and re.fullmatch(r"/crises/\d+", h))
    page.goto(f"{server}{href}/journal")
    return href


def _write(page, text: str) -> None:
    page.get_by_label("Nature").select_option(label="Information reçue")
    page.get_by_label("Texte").fill(text)
    page.get_by_role("button", name="Inscrire au journal").click()
    page.get_by_test_id("journal-rows").get_by_text(text).wait_for()


def test_the_journal_pdf_comes_through_the_wait_page_on_a_phone(server, browser):
    context = _phone(browser)
    page = context.new_page()
    log_in(page, server, Role.CRISIS_CELL)
    crisis = _open_crisis_journal(page, server)
    _write(page, "Point de situation avant export du journal")

    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("link", name="Exporter (PDF)").click()
        page.wait_for_url(re.compile(r".*/documents/\d+\?telecharger=1$"))
        page.get_by_test_id("document-box").wait_for()
        screenshot(page, "document-waiting.png")
    assert download.value.suggested_filename == f"journal-crise-{crisis.rsplit('/', 1)[1]}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_test_id("document-ready").wait_for(timeout=20_000)  # the page then shows the made document
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "document-ready.png")

    # unchanged journal: the kept PDF downloads at once, no wait page
    page.goto(f"{server}{crisis}/journal")
    with page.expect_download(timeout=20_000) as again:
        page.get_by_role("link", name="Exporter (PDF)").click()
    assert again.value.suggested_filename == download.value.suggested_filename
    context.close()


def test_without_javascript_the_wait_page_refreshes_itself_until_the_pdf_is_made(server, browser):
    context = _phone(browser, java_script_enabled=False)
    page = context.new_page()
    log_in(page, server, Role.CRISIS_CELL)
    crisis = _open_crisis_journal(page, server)
    _write(page, "Point de situation, export sans JavaScript")
    page.get_by_role("link", name="Exporter (PDF)").click()
    page.wait_for_url(re.compile(r".*/documents/\d+\?telecharger=1$"))
    page.get_by_test_id("document-download").wait_for(timeout=90_000)  # reached through the meta refresh alone
    screenshot(page, "document-ready-without-js.png")
    with page.expect_download(timeout=20_000) as download:
        page.get_by_test_id("document-download").click()
    assert download.value.suggested_filename == f"journal-crise-{crisis.rsplit('/', 1)[1]}.pdf"
    context.close()
