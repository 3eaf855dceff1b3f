"""The coordinator filters the directory in Chromium, saves the filter as an audience and finds it with the same
reach in the audience list (embedded default, demo data)."""

from __future__ import annotations

import os
import re
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


@pytest.fixture(scope="module")
def directory_server(tmp_path_factory):
    """The embedded web process on a fresh instance seeded with the demo CPTS."""
    instance = tmp_path_factory.mktemp("embedded-directory")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update({"VIGIE_ENV": "embedded", "VIGIE_INSTANCE_DIR": str(instance)})
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["demo", "seed", "--if-empty"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    process = subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/connexion", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the web server did not start")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if services.REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                                           "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _log_in(page, base: str, role: Role) -> None:
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse e-mail").fill(DEMO_ACCOUNTS[role])
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/")


def test_coordinator_saves_a_filter_as_an_audience_with_the_same_reach(directory_server, chromium):
    base = directory_server
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    _log_in(page, base, Role.COORDINATOR)
    assert page.get_by_text("Ouvrir l'annuaire").is_visible()
    page.get_by_text("Ouvrir l'annuaire").click()
    page.wait_for_url(re.compile(r".*/annuaire/$"))

    page.get_by_label("Profession").select_option(label="Infirmier")
    page.get_by_label("Commune").select_option(label="Toulouse")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r".*profession_code=60.*"))
    people = int(page.get_by_test_id("reach-people").inner_text())
    phones = int(page.get_by_test_id("reach-phones").inner_text())
    assert people > 0 and phones <= people
    rows = page.get_by_test_id("directory-table").locator("tbody tr")
    assert rows.count() == min(people, 50)
    assert all("Infirmier" in text for text in rows.locator("td[data-label=Profession]").all_inner_texts())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "directory-filter.png"), full_page=True)

    page.get_by_label("Nom de l'audience").fill("Infirmiers de Toulouse (navigateur)")
    page.get_by_role("button", name="Enregistrer ce filtre comme audience").click()
    page.wait_for_url(re.compile(r".*/annuaire/audiences/\d+$"))
    assert int(page.get_by_test_id("reach-people").inner_text()) == people

    page.goto(f"{base}/annuaire/audiences")
    row = page.locator("tr[data-audience='Infirmiers de Toulouse (navigateur)']")
    assert int(row.locator("td.reach-people").inner_text()) == people
    # the demo's own "Infirmiers de Toulouse" audience designates the same people
    demo_row = page.locator("tr[data-audience='Infirmiers de Toulouse']")
    assert int(demo_row.locator("td.reach-people").inner_text()) == people
    page.screenshot(path=str(ARTIFACTS / "directory-audiences.png"), full_page=True)
    context.close()
