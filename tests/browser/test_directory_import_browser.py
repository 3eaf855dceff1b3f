"""In Chromium, against the embedded server and its real Celery worker: an import is followed live by its
progress bar, then previewed, confirmed and reported, without the request ever waiting for the import."""

from __future__ import annotations

import pytest

from crisis_app.core.roles import Role
from crisis_app.directory.imports.csv_io import CSV_COLUMNS
from tests.browser.conftest import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def _csv(tmp_path):
    header = ";".join(c.label for c in CSV_COLUMNS)
    row = {"RPPS": "10101010105", "Nom": "Navarro", "Prénom": "Inès", "Code profession": "60",
           "Profession": "Infirmier", "Code commune": "31555", "Commune": "Toulouse",
           "Appartenance": "Membre de la CPTS",
           "Fiche active": "oui"}
    line = ";".join(row.get(c.label, "") for c in CSV_COLUMNS)
    path = tmp_path / "nouvelles-fiches.csv"
    path.write_text(f"{header}\r\n{line}\r\n", encoding="utf-8-sig")
    return path


def test_an_import_is_followed_live_then_previewed_confirmed_and_reported(server, browser, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.COORDINATOR)
    page.goto(f"{server}/annuaire/import/")
    page.locator("#csv_file").set_input_files(str(_csv(tmp_path)))
    page.locator("form").filter(has=page.locator("#csv_file")).get_by_role("button", name="Prévisualiser").click()
    page.wait_for_url(f"{server}/annuaire/import/suivi/*")
    # the worker runs the dry run; the page's script reloads it once the preview is ready
    page.get_by_text("Simulation : rien n'a encore été enregistré").wait_for(timeout=30_000)
    assert "Fichier « nouvelles-fiches.csv »" in page.content()
    assert page.get_by_test_id("created").inner_text() == "1"
    page.get_by_role("button", name="Confirmer l'import").click()
    page.get_by_text("Import CSV terminé").wait_for(timeout=30_000)
    assert page.get_by_test_id("without-consent").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "directory-import-report.png"), full_page=True)
    page.goto(f"{server}/annuaire/?q=ines+navarro")
    assert page.get_by_test_id("directory-table").get_by_text("Navarro Inès").is_visible()
    context.close()
