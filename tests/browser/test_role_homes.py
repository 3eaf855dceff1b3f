"""Each role logs in through Chromium on the embedded default and sees its home page."""

from __future__ import annotations

import pytest

from crisis_app.core.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD
from crisis_app.core.roles import Role
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


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
