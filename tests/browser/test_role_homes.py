"""Each role logs in through Chromium on the embedded default and sees its home page."""

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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``make run``'s web process on a fresh embedded instance (SQLite, demo data)."""
    instance = tmp_path_factory.mktemp("embedded")
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


HOME_TEXT = {
    Role.COORDINATOR: "Comptes actifs",
    Role.CRISIS_REFERENT: "Crise sanitaire",
    Role.CRISIS_CELL: "Crise sanitaire",
    Role.PROFESSIONAL: "Mon compte",
    Role.QUALITY_REFERENT: "Mon compte",
    Role.ARS_OBSERVER: "Crise sanitaire",
}


@pytest.mark.parametrize("role", list(Role))
def test_role_logs_in_and_sees_its_home_on_a_phone(server, browser, role):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/")
    assert page.url.startswith(f"{server}/connexion")
    page.get_by_label("Adresse e-mail").fill(DEMO_ACCOUNTS[role])
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server}/")
    assert page.get_by_text(role.label, exact=False).first.is_visible()
    assert page.get_by_text(HOME_TEXT[role]).first.is_visible()
    assert page.get_by_test_id("crisis-banner").inner_text().startswith("Aucune crise active")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{role.value}.png"), full_page=True)
    if role is not Role.COORDINATOR:
        response = page.goto(f"{server}/admin/audit")
        assert response.status == 403 and page.get_by_role("heading", name="Accès refusé").is_visible()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{server}/connexion")
    context.close()
