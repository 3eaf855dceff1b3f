"""SMS failover seen by people, at phone size: the primary SMS provider fails in the middle of an alert, the
référent sees on the message's page that the backup took over (which provider sent how many, the switch and its
reason), and the service's health page says which provider sends now and why. Two loopback providers, real web
server and Celery worker with live delivery."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import Counter

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import ROOT, _free_port, _wait_for_worker, _wait_until_up, log_in, screenshot
from tests.sinks import running_gateway

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The demo CPTS with live SMS delivery to two loopback providers; the primary fails after one SMS."""
    instance = tmp_path_factory.mktemp("failover")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with running_gateway() as primary, running_gateway() as backup:
        primary.fail_after = 1
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
        env.update({"VIGIE_ENV": "embedded", "VIGIE_INSTANCE_DIR": str(instance), "VIGIE_PUBLIC_URL": base,
                    "VIGIE_ALERT_SWEEP_SECONDS": "2", "VIGIE_WORKER_HEARTBEAT_SECONDS": "3600",
                    "VIGIE_DELIVERY": "live", "VIGIE_RATE_SMS": "0", "VIGIE_SMS_FAILOVER_ERRORS": "2",
                    "VIGIE_SMS_URL": f"json://127.0.0.1:{primary.port}/sms?:to={{to}}",
                    "VIGIE_SMS_BACKUP_URL": f"json://127.0.0.1:{backup.port}/sms?:to={{to}}"})
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
            yield base, primary, backup
        finally:
            for process in processes:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(process.pid, signal.SIGKILL)
            log.close()


def test_referent_sees_the_backup_provider_take_over_an_alert(live_server, browser):
    base, primary, backup = live_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, base, Role.CRISIS_REFERENT)
    page.get_by_role("link", name="Nouvelle alerte").click()
    page.get_by_label("Titre").fill("Renfort centre de vaccination")
    page.get_by_label("Texte du SMS").fill("Renfort demandé ce soir au centre dédié. Disponible ?")
    page.get_by_label("Texte de l'e-mail").fill("Renfort demandé ce soir au centre dédié.")
    audience = page.get_by_label("Audience")
    audience.select_option(value=audience.locator("option", has_text="Cellule de crise").first.get_attribute("value"))
    page.locator('input[name="channels"][value="sms"]').check()
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    people = int(page.get_by_test_id("confirm-people").inner_text())
    assert people >= 3
    page.get_by_test_id("confirm-send").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    expect(page.get_by_test_id("count-reached")).to_have_text(str(people), timeout=60_000)

    page.get_by_role("link", name="Détail des envois").click()
    providers = page.get_by_test_id("sms-providers")
    expect(providers.get_by_test_id("active-provider")).to_have_text("fournisseur de secours")
    expect(providers).to_contain_text("Par le fournisseur principal : 1\u00a0SMS")
    expect(providers).to_contain_text(f"Par le fournisseur de secours : {people - 1}\u00a0SMS")
    expect(providers.get_by_test_id("provider-switches")).to_contain_text(
        "fournisseur principal → fournisseur de secours")
    expect(page.get_by_test_id("provider").first).to_be_visible()
    screenshot(page, "sms-failover-message.png")
    # each person got the SMS once, from one provider or the other
    numbers = Counter(m["to"] for m in primary.received + backup.received)
    assert len(numbers) == people and set(numbers.values()) == {1}

    page.goto(f"{base}/healthz")
    expect(page.get_by_text("Fournisseur SMS")).to_be_visible()
    expect(page.get_by_text(re.compile(r"fournisseur de secours \(json://127\.0\.0\.1\) depuis le .* en échec"))
           ).to_be_visible()
    screenshot(page, "sms-failover-health.png")
    context.close()
