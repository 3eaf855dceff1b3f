"""The demo coordinator hands masks out to a structure in Chromium and sees the stock drop on the overview."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crisis_app.core.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from crisis_app.core.roles import Role
from tests import services

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("VIGIE_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/connexion", timeout=1)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the web server did not start")
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The embedded web process on a fresh instance (SQLite) seeded with the demo CPTS."""
    instance = tmp_path_factory.mktemp("embedded-stock")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update({"VIGIE_ENV": "embedded", "VIGIE_INSTANCE_DIR": str(instance)})
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["demo", "seed", "--if-empty"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    process = subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(base, process)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if services.REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                                            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def _log_in(page, base: str, role: Role) -> None:
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse e-mail").fill(DEMO_ACCOUNTS[role])
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/")


def _masks_row(page):
    section = page.locator("section").filter(has=page.get_by_role("heading", name="Local CPTS — Toulouse"))
    return section.locator("tr").filter(has_text="Masques FFP2").first


def test_coordinator_distributes_masks_to_a_structure_and_sees_the_quantity_drop(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    _log_in(page, server, Role.COORDINATOR)
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
    _log_in(page, server, Role.CRISIS_CELL)
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
