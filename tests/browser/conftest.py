"""Browser tests run against the embedded default as `make run` starts it: a fresh SQLite instance with the
demo CPTS, the web server and a Celery worker on the serverless broker; Chromium is Debian's, driven by
Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crisis_app.core.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from crisis_app.core.roles import Role
from tests import services

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("VIGIE_CHROMIUM", "/usr/bin/chromium")


# a loaded CI machine may take seconds to answer a form: assertions wait for the page as a person would
expect.set_options(timeout=15_000)


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
                pytest.fail("the web server did not start")
            time.sleep(0.2)


def _wait_for_worker(base: str) -> None:
    """The worker records its heartbeat once ready; on a busy machine that comes after the web server answers, and a
    home page read before it shows "Tâches de fond : à l'arrêt" — what `make run` shows too, for those seconds."""
    import json

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(f"{base}/healthz",
                                                               headers={"Accept": "application/json"}), timeout=5) as r:
                if json.load(r).get("checks", {}).get("worker", {}).get("ok"):
                    return
        except OSError as exc:  # 503 while the worker has not been seen
            body = getattr(exc, "read", lambda: b"")()
            if body and json.loads(body).get("checks", {}).get("worker", {}).get("ok"):
                return
        time.sleep(0.5)
    pytest.fail("the Celery worker did not record its heartbeat within 90 s")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Base URL of the embedded web server (demo data), with a worker delivering alerts to the outbox."""
    instance = tmp_path_factory.mktemp("embedded")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    # No beat here: the worker records its heartbeat once, when ready; the period says so, so that a session longer
    # than three periods does not show "Tâches de fond : à l'arrêt" while the worker is there.
    env.update({"VIGIE_ENV": "embedded", "VIGIE_INSTANCE_DIR": str(instance), "VIGIE_PUBLIC_URL": base,
                "VIGIE_ALERT_SWEEP_SECONDS": "2", "VIGIE_WORKER_HEARTBEAT_SECONDS": "3600"})
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["demo", "seed", "--if-empty"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    log = (instance / "processes.log").open("w")
    processes = [
        subprocess.Popen(flask + ["run", "--port", str(port), "--no-reload"], cwd=ROOT, env=env, stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True),
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "wsgi:celery", "worker", "--pool", "solo",
                          "--loglevel", "WARNING", "--without-gossip", "--without-mingle"], cwd=ROOT, env=env,
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True),
    ]
    try:
        _wait_until_up(base, processes[0])
        _wait_for_worker(base)
        yield base
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
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


def log_in(page, base: str, role: Role) -> None:
    page.goto(f"{base}/connexion")
    page.get_by_label("Adresse e-mail").fill(DEMO_ACCOUNTS[role])
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
