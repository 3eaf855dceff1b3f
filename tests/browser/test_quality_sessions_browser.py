"""On a phone-sized screen, the quality loop: an anonymous declaration is triaged to CREX; the referent plans a
CREX with it and invites; takes attendance; gives the analysis to a pilot; fills the ORION analysis in two saves;
validates it; records two actions and verifies them; closes the event with a feedback that the declarer's
follow-up link then shows. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crisis_app.core.db import utcnow
from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_quality_browser import PHONE, _declare_anonymously

pytestmark = pytest.mark.browser
FEEDBACK = "Merci : une fiche de liaison accompagne désormais chaque sortie d'hospitalisation."


def _no_error(page) -> None:
    assert page.locator(".flash-error").count() == 0, page.locator(".flash-error").all_inner_texts()


def _triage_to_crex(page, server: str, reference: str) -> None:
    page.goto(f"{server}/qualite/registre?state=a_trier")
    page.get_by_role("link", name=reference).click()
    page.locator('input[name="severity"][value="2"]').check()
    page.locator('input[name="likelihood"][value="4"]').check()
    page.locator('input[name="decision"][value="crex"]').check()
    page.get_by_test_id("triage-submit").click()
    assert page.get_by_test_id("event-state").inner_text() == "Orienté en CREX"


def _plan_crex(page, server: str, reference: str) -> None:
    page.goto(f"{server}/qualite/seances/nouvelle")
    page.get_by_label("Type de séance").select_option("crex")
    start = (utcnow() + timedelta(days=9)).strftime("%Y-%m-%dT18:30")
    page.get_by_label("Date et heure (heure de Paris)").fill(start)
    page.get_by_label("Lieu").fill("Maison de santé, salle 2")
    boxes = page.locator('input[name="professional_ids"]')
    for n in range(4):
        boxes.nth(n).check()
    page.locator("label", has_text=reference).locator("input").check()
    screenshot(page, "quality-sessions-1-plan.png")
    page.get_by_role("button", name="Planifier").click()
    _no_error(page)
    assert page.get_by_test_id("session-status").inner_text() == "Planifiée"
    assert "Invitation envoyée" in page.content()


def _meeting(page, reference: str) -> None:
    attendance = page.locator('input[name="present_ids"]')
    for n in range(3):
        attendance.nth(n).check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    _no_error(page)
    item = page.locator("article", has_text=reference)
    item.get_by_label("Décision").select_option("analysis")
    item.get_by_label("Pilote (si analyse)").select_option(label="Claire Fontaine")
    screenshot(page, "quality-sessions-2-meeting.png")
    item.get_by_role("button", name="Enregistrer la décision").click()
    _no_error(page)
    page.get_by_role("link", name="Ouvrir l'analyse").click()


def _analysis(page) -> None:
    page.get_by_label("1. Collecte des données").fill("Entretiens avec l'infirmière et le service.")
    page.get_by_role("button", name="Enregistrer").first.click()
    _no_error(page)
    page.get_by_label("3. Écarts constatés").fill("Aucune transmission à la sortie du vendredi.")
    page.get_by_label("Organisation et procédures").fill("Pas de circuit de sortie le week-end.")
    page.get_by_label("Ce que l'équipe retient").fill("Une sortie se prépare avec la ville.")
    page.get_by_role("button", name="Enregistrer").first.click()
    _no_error(page)
    assert page.get_by_label("1. Collecte des données").input_value().startswith("Entretiens")
    page.get_by_role("button", name="Présentée en séance").click()
    page.get_by_role("button", name="Valider l'analyse et le plan d'actions").click()
    _no_error(page)
    assert page.get_by_test_id("analysis-status").inner_text() == "Validée en séance"
    due = (utcnow().date() + timedelta(days=30)).isoformat()
    for title in ("Fiche de liaison du vendredi", "Appel infirmier du lendemain"):
        page.get_by_label("Intitulé").fill(title)
        page.get_by_label("Échéance").fill(due)
        page.get_by_role("button", name="Ajouter l'action").click()
        _no_error(page)
    screenshot(page, "quality-sessions-3-analysis.png")


def _verify_actions(page, server: str) -> None:
    for title in ("Fiche de liaison du vendredi", "Appel infirmier du lendemain"):
        for status in ("en_cours", "realisee", "efficacite_verifiee"):
            page.goto(f"{server}/qualite/actions")
            action = page.locator("article", has_text=title)
            action.get_by_label("Passer à").select_option(status)
            action.get_by_label("Preuve (note)").fill("Audit de 10 sorties : conforme.")
            action.get_by_role("button", name="Mettre à jour").click()
            _no_error(page)
    screenshot(page, "quality-sessions-4-actions-verified.png")


def test_the_quality_loop_from_crex_to_the_declarers_feedback(server, browser):
    professional = browser.new_context(**PHONE)
    page = professional.new_page()
    log_in(page, server, Role.PROFESSIONAL)
    follow_up = _declare_anonymously(page, server)
    professional.close()
    anonymous = browser.new_context(**PHONE)
    visitor = anonymous.new_page()
    visitor.goto(follow_up)
    reference = visitor.get_by_role("heading", level=1).inner_text().split()[-1]

    referent = browser.new_context(**PHONE)
    page = referent.new_page()
    log_in(page, server, Role.QUALITY_REFERENT)
    _triage_to_crex(page, server, reference)
    _plan_crex(page, server, reference)
    _meeting(page, reference)
    analysis_url = page.url
    _analysis(page)
    _verify_actions(page, server)
    page.goto(analysis_url)
    page.get_by_label("Retour au déclarant").fill(FEEDBACK)
    page.get_by_role("button", name="Clôturer").click()
    _no_error(page)
    assert page.get_by_test_id("event-state").inner_text() == "Clôturé"
    screenshot(page, "quality-sessions-5-closed.png")
    referent.close()

    visitor.reload()
    assert visitor.get_by_test_id("follow-up-state").inner_text() == "Clôturé"
    assert FEEDBACK in visitor.get_by_test_id("follow-up-feedback").inner_text()
    screenshot(visitor, "quality-sessions-6-follow-up-feedback.png")
    anonymous.close()

    coordinator = browser.new_context(**PHONE)
    page = coordinator.new_page()
    log_in(page, server, Role.COORDINATOR)
    page.goto(f"{server}/qualite/indicateurs")
    assert page.locator("svg.chart").first.is_visible()
    assert "Plan d'actions réalisé" in page.get_by_test_id("contract").inner_text()
    screenshot(page, "quality-sessions-7-dashboard.png")
    coordinator.close()
