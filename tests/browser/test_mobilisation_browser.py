"""Mobilise until N said yes, in Chromium at phone size: the référent asks for 2 IDE from « Infirmiers de Toulouse »
then the whole territory, three nurses answer yes from their personal links, and the alert page shows 2/2 confirmed,
one in reserve, and the next wave that will not leave."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import ROOT, log_in, screenshot

pytestmark = pytest.mark.browser

_LINKS = """
import sqlalchemy as sa
from wsgi import app
from crisis_app.alerts import links
from crisis_app.alerts.models import AlertRecipient
from crisis_app.core.db import db
with app.app_context():
    ids = db.session.scalars(sa.select(AlertRecipient.id).where(AlertRecipient.alert_id == {alert_id})
                             .order_by(AlertRecipient.id)).all()
    print(json.dumps([links.answer_url({alert_id}, i) for i in ids]))
"""


def _answer_links(tmp_path_factory, base: str, alert_id: int) -> list[str]:
    """The personal links the nurses received by SMS (the outbox pages mask them from anyone else): read as the
    server signs them, from its own instance."""
    instance = next(p for p in tmp_path_factory.getbasetemp().glob("embedded*") if (p / "processes.log").exists())
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update({"VIGIE_ENV": "embedded", "VIGIE_INSTANCE_DIR": str(instance), "VIGIE_PUBLIC_URL": base})
    out = subprocess.run([sys.executable, "-c", "import json\n" + _LINKS.format(alert_id=alert_id)], cwd=ROOT,
                         env=env, check=True, capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_referent_mobilises_two_nurses_and_sees_two_of_two_and_the_reserve(server, browser, tmp_path_factory):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)
    page.goto(f"{server}/alertes/nouvelle")
    page.get_by_label("Titre").fill("Renfort IDE vaccination")
    page.get_by_label("Texte du SMS").fill("Renfort IDE demain 8h au centre de vaccination. Disponible ?")
    page.get_by_label("Texte de l'e-mail").fill("Bonjour,\nRenfort IDE demain 8 h au centre de vaccination.")
    audience = page.get_by_label("Audience")
    audience.select_option(value=audience.locator("option", has_text="Infirmiers de Toulouse").first
                           .get_attribute("value"))
    page.locator("#quota_count_1").fill("2")
    page.locator("#quota_profession_1").select_option(label="Infirmier")
    page.get_by_label("Attente après la première vague (minutes)").fill("20")
    wave = page.get_by_label("Puis (vague 2)")
    wave.select_option(value=wave.locator("option", has_text="Tous les professionnels").first.get_attribute("value"))
    page.get_by_label("Relancer après (minutes)").fill("")
    page.get_by_label(re.compile("Nombre de relances")).fill("0")
    screenshot(page, "mobilisation-compose.png")
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    expect(page.get_by_test_id("confirm-mobilisation")).to_contain_text("2 Infirmier")
    expect(page.get_by_test_id("confirm-mobilisation")).to_contain_text("puis « Tous les professionnels »")
    people = int(page.get_by_test_id("confirm-people").inner_text())
    assert people >= 3
    screenshot(page, "mobilisation-confirm.png")
    page.get_by_test_id("confirm-send").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    detail_url = page.url
    expect(page.get_by_test_id("quota-confirmed")).to_have_text("0/2")
    expect(page.get_by_test_id("next-wave")).to_contain_text("prévue à")

    nurse = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR").new_page()
    alert_id = int(detail_url.rsplit("/", 1)[1])
    for link in _answer_links(tmp_path_factory, server, alert_id)[:3]:
        nurse.goto(link)
        nurse.get_by_role("button", name="Disponible immédiatement").click()
        expect(nurse.get_by_text("est enregistrée")).to_be_visible()
    expect(nurse.get_by_test_id("quota-notice")).to_contain_text("liste de réserve")  # the third came too late
    screenshot(nurse, "mobilisation-reserve-answer.png")

    # the référent's page follows without her reloading it
    assert page.url == detail_url
    expect(page.get_by_test_id("quota-confirmed")).to_have_text("2/2", timeout=30_000)
    expect(page.get_by_test_id("quota-reserve")).to_have_text("1")
    expect(page.get_by_test_id("reserve-person")).to_have_count(1, timeout=30_000)
    expect(page.get_by_test_id("wave").nth(1)).to_contain_text("ne partira pas")  # complete: it will not leave
    page.get_by_test_id("mobilisation").scroll_into_view_if_needed()
    screenshot(page, "mobilisation-follow-up.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    context.close()
