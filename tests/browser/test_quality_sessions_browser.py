"""On a phone-sized screen, the quality loop: an anonymous declaration is triaged to CREX; the referent plans a
CREX with it and invites; takes attendance; gives the analysis to a pilot; fills the ORION analysis in two saves;
validates it; records two actions and verifies them; closes the event with a feedback that the declarer's
follow-up link then shows. Screenshots in test-artifacts/.

The story of issue 19 is the second test: a nurse declares from the public link (a name is caught, she rewrites),
the référent sees it on her home, triages, plans a CREX with the picker, holds it, the ORION analysis and its
actions are verified, the event closed, the declarer reads the feedback with her link, the indicators move; the
minutes pass the screen, and a name planted in the database blocks them."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from crisis_app.core.db import utcnow
from crisis_app.core.roles import Role
from quality.register import reference as event_reference
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
    pilot = item.get_by_label("Pilote (si analyse)")
    pilot.select_option(label=pilot.locator("option", has_text="Claire Fontaine").inner_text())
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


NAMED = "Mme Josette Martin a reçu une double dose d'anticoagulant au retour d'hospitalisation."
REWRITTEN = "Mme X a reçu une double dose d'anticoagulant au retour d'hospitalisation."


def _public_link(browser, server: str) -> str:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, server, Role.COORDINATOR)
    page.goto(f"{server}/qualite/parametres")
    if page.get_by_test_id("public-link").count() == 0:
        page.get_by_role("button", name="Créer l'adresse").click()
        _no_error(page)
    link = page.get_by_test_id("public-link").input_value()
    assert page.get_by_test_id("poster").is_visible()
    context.close()
    return link


def _declare_from_the_public_link(page, link: str) -> tuple[str, str]:
    from datetime import date

    page.goto(link)
    page.get_by_label("Que s'est-il passé ?").fill(NAMED)
    page.get_by_label("Date de l'événement").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Lieu").select_option("domicile")
    page.get_by_label("Catégorie").select_option("medicament")
    page.get_by_label("Nature de l'événement").select_option("eias")
    page.locator('input[name="reached_patient"][value="oui"]').check()
    page.get_by_label("Mesures prises immédiatement").fill("Surveillance infirmière, médecin traitant prévenu.")
    page.locator('input[name="severity"][value="3"]').check()
    page.locator('input[name="likelihood"][value="3"]').check()
    page.get_by_test_id("send-declaration").click()
    caught = page.locator(".field-error, .flash-error").first
    caught.wait_for()
    errors = " ".join(page.locator(".field-error, .flash-error, .error, [role=alert]").all_inner_texts())
    assert "« Mme Josette Martin »" in errors and "« Mme X »" in errors, errors
    screenshot(page, "quality-story-1-name-caught.png")
    page.get_by_label("Que s'est-il passé ?").fill(REWRITTEN)
    page.get_by_test_id("send-declaration").click()
    reference = page.get_by_test_id("declared-reference")
    reference.wait_for()
    page.get_by_text("Afficher le QR code").click()
    assert page.get_by_test_id("follow-up-qr").locator("svg").is_visible()
    screenshot(page, "quality-story-2-link-kept.png")
    return reference.inner_text(), page.get_by_test_id("follow-up-link").get_attribute("href")


def _plan_held_crex(page, server: str, reference: str) -> str:
    page.goto(f"{server}/qualite/seances/nouvelle")
    page.get_by_label("Type de séance").select_option("crex")
    begun = (utcnow() - timedelta(hours=1)).astimezone(ZoneInfo("Europe/Paris")).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Date et heure (heure de Paris)").fill(begun)
    page.get_by_label("Lieu").fill("Maison de santé, salle 2")
    page.locator("label", has_text=reference).locator("input").check()
    search = page.get_by_test_id("participant-search")
    search.fill("infirm")
    visible = page.locator("[data-picker-item]:visible")
    assert visible.count() >= 2
    assert all("infirm" in t.lower() for t in visible.all_inner_texts())
    for n in range(2):
        visible.nth(n).locator("input").check()
    search.fill("")
    screenshot(page, "quality-story-3-picker.png")
    page.get_by_role("button", name="Planifier").click()
    _no_error(page)
    return page.url


def _database(tmp_path_factory) -> str:
    """The browser server's database: the one this run's server wrote last."""
    paths = list(tmp_path_factory.getbasetemp().glob("**/vigie.sqlite"))
    return str(max(paths, key=lambda p: p.stat().st_mtime))


def test_the_quality_programme_as_one_story(server, browser, tmp_path_factory):
    link = _public_link(browser, server)
    nurse = browser.new_context(**PHONE)
    page = nurse.new_page()
    reference, follow_up = _declare_from_the_public_link(page, link)
    nurse.close()

    referent = browser.new_context(**PHONE, accept_downloads=True)
    page = referent.new_page()
    log_in(page, server, Role.QUALITY_REFERENT)
    assert page.get_by_role("heading", name="EIAS à trier").is_visible()
    menu = page.locator("header")
    assert menu.get_by_role("link", name="Analyses").count() == 1
    assert menu.get_by_role("link", name="Actions qualité").count() == 1
    screenshot(page, "quality-story-4-referent-home.png")
    _triage_to_crex(page, server, reference)
    session_url = _plan_held_crex(page, server, reference)
    _meeting(page, reference)
    analysis_url = page.url
    _analysis(page)
    _verify_actions(page, server)
    page.goto(session_url)
    page.get_by_label("Synthèse (sans donnée identifiante)").fill("Circuit de sortie revu avec la ville.")
    page.get_by_role("button", name="Marquer la séance tenue").click()
    _no_error(page)
    page.get_by_role("button", name="Établir le compte rendu (PDF)").click()
    _no_error(page)
    screenshot(page, "quality-story-4b-minutes-established.png")
    # the worker makes the minutes (queued when they were established): the link gives the kept PDF, or the wait
    # page whose script starts the download once the worker has made it
    with page.expect_download(timeout=90_000) as minutes:
        page.get_by_role("link", name="Compte rendu (PDF)").click()
    with open(minutes.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    page.goto(analysis_url)
    page.get_by_label("Retour au déclarant").fill(FEEDBACK)
    page.get_by_role("button", name="Clôturer").click()
    _no_error(page)
    assert page.get_by_test_id("event-state").inner_text() == "Clôturé"

    declarer = browser.new_context(**PHONE)
    visitor = declarer.new_page()
    visitor.goto(follow_up)
    assert visitor.get_by_test_id("follow-up-state").inner_text() == "Clôturé"
    assert FEEDBACK in visitor.get_by_test_id("follow-up-feedback").inner_text()
    screenshot(visitor, "quality-story-5-declarer-reads-the-feedback.png")
    declarer.close()

    # a name planted in the database (as if stored before the screen knew names) blocks the documents
    number = event_reference.parse(reference)
    with sqlite3.connect(_database(tmp_path_factory)) as connection:
        connection.execute("UPDATE adverse_event SET description = ? WHERE id = ?", (NAMED, number))
    page.goto(session_url)
    blocked = page.get_by_test_id("document-blocked")
    assert blocked.is_visible() and "Mme Josette Martin" in blocked.inner_text()
    screenshot(page, "quality-story-6-planted-name-blocks-the-minutes.png")
    blocked.get_by_role("link", name="caviarder").first.click()
    page.locator('[data-testid="screen-finding"]', has_text="Mme Josette Martin").get_by_role(
        "button", name="Caviarder").click()
    _no_error(page)
    assert page.get_by_test_id("screen-clean").is_visible()
    page.goto(session_url)
    assert page.get_by_test_id("document-blocked").count() == 0
    referent.close()

    coordinator = browser.new_context(**PHONE)
    page = coordinator.new_page()
    log_in(page, server, Role.COORDINATOR)
    page.goto(f"{server}/qualite/indicateurs")
    assert page.locator("svg.chart").first.is_visible()
    screenshot(page, "quality-story-7-indicators.png")
    coordinator.close()
