"""The day the CPTS exists for, in Chromium: the référent opens a crisis, raises it to gradation 2, activates the
cellule; the cellule's journal page receives entries live while a member and Vigie write in it; masks handed out
show on the board; the crisis is closed, the RETEX written from the pre-filled figures, validated and sent (each
delivery's state shown; the e-mail with its PDF reaching a real SMTP server is tests/crises/test_retex_send.py)."""

from __future__ import annotations

import re

import pytest

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")


def test_a_referent_runs_a_crisis_from_opening_to_the_sent_retex(server, browser):
    referent_ctx, cell_ctx = _phone(browser), _phone(browser)
    page = referent_ctx.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)

    page.goto(f"{server}/crises/nouvelle")
    page.get_by_label("Intitulé").fill("Épidémie de grippe aviaire")
    page.get_by_label("Typologie").select_option(label="Patients atteints par un agent infectieux émergent")
    page.get_by_label("Autorité qui a qualifié la crise").select_option(label="ARS")
    page.get_by_label("Référence de la qualification").fill("ARS-OCC 2026-331")
    page.get_by_label("Date et heure de la qualification").fill("2026-11-30T09:15")
    page.get_by_role("button", name="Ouvrir").click()
    page.wait_for_url(re.compile(r".*/crises/\d+$"))
    crisis_url = page.url
    assert page.get_by_test_id("crisis-banner").filter(has_text="Crise active — gradation 1").is_visible()
    assert "30/11/2026 09:15" in page.get_by_test_id("crisis-facts").inner_text()
    screenshot(page, "crisis-opened.png")

    page.get_by_role("link", name="Passer en gradation 2").click()
    page.wait_for_url(re.compile(r".*/niveau\?gradation=2$"))
    assert page.get_by_test_id("plan-presets").is_visible()
    page.get_by_label("Motif").fill("L'ARS demande l'ouverture d'un centre dédié")
    page.get_by_role("button", name="Changer de niveau").click()
    page.wait_for_url(re.compile(r".*/crises/\d+#niveau$"))
    assert page.get_by_test_id("crisis-level").inner_text() == "Gradation 2"
    preset = page.get_by_test_id("plan-presets").get_by_role("link").first
    assert "modele=" in preset.get_attribute("href")
    screenshot(page, "crisis-gradation-2.png")

    page.goto(f"{crisis_url}/cellule")
    page.get_by_role("button", name="Alerter les membres cochés").click()
    page.get_by_test_id("roll-call").wait_for()
    screenshot(page, "crisis-cellule.png")

    cell = cell_ctx.new_page()
    log_in(cell, server, Role.CRISIS_CELL)
    cell.goto(f"{crisis_url}/journal")
    assert "Cellule de crise activée" in cell.get_by_test_id("journal").inner_text()

    page.goto(f"{crisis_url}/journal")
    page.get_by_label("Nature").select_option(label="Décision")
    page.get_by_label("Texte").fill("Ouverture du centre de consultation au gymnase Jean-Moulin")
    page.get_by_role("button", name="Inscrire au journal").click()
    # the cellule's page was not reloaded: the entry arrives through the live feed
    cell.get_by_test_id("journal-rows").get_by_text("gymnase Jean-Moulin").wait_for(timeout=20_000)
    screenshot(cell, "crisis-journal-live.png")

    page.goto(f"{server}/stock/distribution")
    page.get_by_label("Lot").select_option(index=1)
    page.get_by_label("Quantité distribuée").fill("3")
    page.get_by_label("ou structure destinataire").fill("Centre de consultation Jean-Moulin")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{server}/stock/")
    page.goto(f"{crisis_url}/tableau")
    assert "3" in page.get_by_test_id("handed-out-totals").inner_text()
    screenshot(page, "crisis-board.png")

    page.goto(crisis_url)
    stops = page.get_by_test_id("close-stops")
    assert re.search(r"arrête aussitôt 1\s+alerte en cours", stops.inner_text()), "the close says what it will stop"
    assert "Épidémie de grippe aviaire" in page.get_by_label("Message de fin", exact=True).input_value()
    page.get_by_label("Motif de la clôture").fill("Fin de l'épisode épidémique")
    screenshot(page, "crisis-close-confirm.png")
    page.get_by_role("button", name="Clore la crise").click()
    assert "sera close maintenant" in page.get_by_test_id("confirm-sentence").inner_text()
    page.get_by_role("button", name="Confirmer la clôture").click()
    page.wait_for_url(re.compile(r".*/retex$"))
    assert "Gradation 2" in page.get_by_test_id("retex-figures").locator("xpath=..").inner_text()
    page.get_by_label("Ce qui a fonctionné").fill("La cellule a été réunie en moins d'une heure.")
    page.get_by_label("Ce qui n'a pas fonctionné").fill("Le stock de masques du centre était trop juste.")
    page.locator("#action-title-1").fill("Doubler la dotation de masques du centre")
    page.locator("#action-owner-1").fill("Référent crise")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_role("button", name="Valider le retour d'expérience").click()
    page.get_by_role("button", name="Confirmer la validation").click()
    page.get_by_test_id("retex-status").filter(has_text="validé le").wait_for()
    screenshot(page, "crisis-retex-validated.png")

    page.get_by_role("button", name="Choisir les destinataires").click()
    page.get_by_role("button", name="Vérifier les destinataires").click()
    page.get_by_test_id("confirm-button").click()
    deliveries = page.get_by_test_id("retex-deliveries")
    deliveries.wait_for()
    for _ in range(30):  # the worker delivers to the built-in sink; the page shows each delivery's state
        if "envoyé" in deliveries.inner_text():
            break
        page.wait_for_timeout(1000)
        page.reload()
    assert "ARS" in deliveries.inner_text() and "envoyé" in deliveries.inner_text()
    screenshot(page, "crisis-retex-sent.png")

    # The RETEX's action is in the one action plan: the quality referent follows it to its verified effect, and
    # the crisis referent reads that on the RETEX.
    quality_ctx = _phone(browser)
    quality = quality_ctx.new_page()
    log_in(quality, server, Role.QUALITY_REFERENT)
    quality.goto(f"{server}/qualite/actions")
    card = quality.locator("article").filter(has_text="Doubler la dotation de masques du centre")
    assert "RETEX — Épidémie de grippe aviaire" in card.inner_text()
    assert card.get_by_role("link", name="RETEX — Épidémie de grippe aviaire").count() == 0, \
        "no link to a page the quality referent would be refused"
    for status, evidence in (("En cours", ""), ("Réalisée", "Dotation portée à 400 masques (bon de commande 2026-118)"),
                             ("Efficacité vérifiée", "Inventaire de décembre : 400 masques en place")):
        card = quality.locator("article").filter(has_text="Doubler la dotation de masques du centre")
        card.get_by_label("Passer à").select_option(label=status)
        card.get_by_label("Preuve (note)").fill(evidence)
        card.get_by_role("button", name="Mettre à jour").click()
        quality.wait_for_url(f"{server}/qualite/actions")
        card = quality.locator("article").filter(has_text="Doubler la dotation de masques du centre")
        assert f"Statut : {status}" in card.inner_text()
    screenshot(quality, "crisis-retex-action-verified-by-quality.png")

    page.reload()
    retex_actions = page.get_by_test_id("retex-actions").inner_text()
    assert "Doubler la dotation de masques du centre" in retex_actions and "Efficacité vérifiée" in retex_actions
    assert "Inventaire de décembre" in retex_actions
    screenshot(page, "crisis-retex-action-seen-by-referent.png")
    quality_ctx.close()
    referent_ctx.close()
    cell_ctx.close()


def _wait_for_answer_link(page, server, seen: set[str], timeout_s: int = 90):
    """The member's newest answer link not followed yet (the worker delivers to the demo's outbox first)."""
    for _ in range(timeout_s):
        page.goto(f"{server}/mes-messages")
        links = [a.get_attribute("href") for a in page.locator('a[href*="/r/"]').all()]
        fresh = [href for href in links if href not in seen]
        if fresh:
            seen.add(fresh[0])
            return fresh[0]
        page.wait_for_timeout(1000)
    pytest.fail("no answer link reached the member's messages")


def test_the_story_two_crises_from_first_alert_to_the_retex_the_ars_reads(server, browser):
    """Heatwave at gradation 1 → 2 → cellule (one declines, the next backup is alerted) → alert to the territory →
    answers → needs → equipment → a bus accident opens and both show → close (end message, relances stopped) →
    RETEX written, recipients checked, sent → the ARS observer reads it from her home."""
    referent_ctx, member_ctx, ars_ctx = _phone(browser), _phone(browser), _phone(browser)
    page = referent_ctx.new_page()
    log_in(page, server, Role.CRISIS_REFERENT)

    page.goto(f"{server}/crises/nouvelle")
    page.get_by_label("Intitulé").fill("Canicule d'août")
    page.get_by_label("Typologie").select_option(
        label="Prise en charge de malades, notamment personnes âgées (canicule, grand froid)")
    page.get_by_label("Autorité qui a qualifié la crise").select_option(label="Préfecture")
    page.get_by_role("button", name="Ouvrir").click()
    page.wait_for_url(re.compile(r".*/crises/\d+$"))
    heat_url = page.url
    screenshot(page, "story-01-heatwave-g1.png")

    page.get_by_role("link", name="Passer en gradation 2").click()
    page.get_by_label("Motif").fill("Vigilance rouge : la préfecture demande un accueil rafraîchi")
    page.get_by_role("button", name="Changer de niveau").click()
    page.wait_for_url(re.compile(r".*/crises/\d+#niveau$"))
    assert page.get_by_test_id("crisis-level").inner_text() == "Gradation 2"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the crisis page with the plan's measures is {width} px wide on a 390 px phone"
    screenshot(page, "story-02-heatwave-g2.png")

    # the cellule: the member answers "Je ne peux pas" with a word; the référent alerts the next backup in one tap
    member = member_ctx.new_page()
    log_in(member, server, Role.CRISIS_CELL)
    member.goto(f"{server}/mes-messages")
    seen = {a.get_attribute("href") for a in member.locator('a[href*="/r/"]').all()}  # earlier tests' alerts
    page.goto(f"{heat_url}/cellule")
    page.get_by_role("button", name="Alerter les membres cochés").click()
    page.get_by_test_id("roll-call").wait_for()
    member.goto(_wait_for_answer_link(member, server, seen))
    assert "Lieu :" in member.locator("body").inner_text() and "Visio :" in member.locator("body").inner_text()
    member.get_by_label(re.compile("Commentaire")).fill("Je suis de garde à la clinique")
    member.get_by_role("button", name="Je ne peux pas").click()
    assert "appelle votre suppléant" in member.get_by_test_id("next-step").inner_text()
    assert member.get_by_test_id("answer-crisis-link").is_visible()
    screenshot(member, "story-03-member-declines.png")
    page.reload()
    declined = page.get_by_test_id("roll-declined")
    assert "Je suis de garde à la clinique" in declined.inner_text()
    assert declined.get_by_role("link", name="Appeler").get_attribute("href").startswith("tel:+33")
    screenshot(page, "story-04-roll-call-declined.png")
    declined.get_by_role("button", name=re.compile("^Alerter ")).click()
    assert "à la place du membre absent" in page.locator(".flash-success").inner_text()
    assert "à la place de Mme Nadia Roussel" in page.get_by_test_id("roll-call").inner_text()
    screenshot(page, "story-05-backup-alerted.png")

    # the alert from the crisis page (tied to this crisis, the demo exercise being open too)
    page.goto(heat_url)
    page.get_by_test_id("plan-presets").get_by_role("link").first.click()
    select = page.get_by_label("Crise", exact=True)
    assert "Canicule d'août" in select.locator("option:checked").inner_text()
    audience = page.get_by_label("Audience")
    audience.select_option(value=audience.locator("option", has_text="Tous les professionnels").first
                           .get_attribute("value"))
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    assert "GSM-7" in page.get_by_test_id("confirm-sms-size").inner_text()
    page.get_by_test_id("confirm-send").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    alert_url = page.url
    screenshot(page, "story-06-alert-sent.png")

    member.goto(_wait_for_answer_link(member, server, seen))
    member.locator("form.answer-form button").first.click()
    assert member.get_by_test_id("next-step").is_visible()
    screenshot(member, "story-07-member-answers.png")
    page.goto(f"{server}/")  # leave the live page first: its script may reload it under a new navigation
    page.goto(alert_url)
    page.get_by_test_id("people-search").get_by_label(re.compile("Chercher")).fill("Nadia Roussel")
    page.get_by_test_id("people-search").get_by_role("button", name="Chercher").click()
    assert page.get_by_test_id("person").count() == 1
    assert page.get_by_test_id("person-answer").first.inner_text() == "Disponible immédiatement"
    screenshot(page, "story-07b-alert-search.png")

    # needs and equipment on the board
    page.goto(f"{heat_url}/tableau")
    page.get_by_label("Nouveau besoin").fill("Accueil rafraîchi à la MSP")
    page.get_by_role("button", name="Ajouter").last.click()
    row = page.get_by_test_id("needs").locator("tr", has_text="Accueil rafraîchi à la MSP")
    row.get_by_label("Statut").select_option(label="Couvert")
    row.get_by_role("button", name="Mettre à jour").click()
    assert "Couvert" in page.get_by_test_id("needs").locator("tr", has_text="Accueil rafraîchi à la MSP").inner_text()
    page.goto(f"{server}/stock/distribution")
    page.get_by_label("Lot").select_option(index=1)
    page.get_by_label("Quantité distribuée").fill("2")
    page.get_by_label("ou structure destinataire").fill("MSP des Minimes")
    page.get_by_label(re.compile("^Crise")).select_option(label="Canicule d'août")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"{server}/stock/")
    page.goto(f"{heat_url}/tableau")
    assert "2" in page.get_by_test_id("handed-out-totals").inner_text()
    screenshot(page, "story-08-board.png")

    # a second crisis opens: both show
    page.goto(f"{server}/crises/nouvelle")
    page.get_by_label("Intitulé").fill("Accident de bus A64")
    page.get_by_label("Typologie").select_option(label="Blessés somatiques ou psychiques (attentats, explosions)")
    page.get_by_role("button", name="Ouvrir").click()
    page.wait_for_url(re.compile(r".*/crises/\d+$"))
    bus_url = page.url
    page.goto(f"{server}/")
    banners = page.get_by_test_id("crisis-banner")
    assert banners.count() == 2
    text = " ".join(banners.all_inner_texts())
    assert "Canicule d'août" in text and "Accident de bus A64" in text
    screenshot(page, "story-09-two-crises.png")

    # close the heatwave: the confirmation says what stops and the end message
    page.goto(heat_url)
    page.get_by_label("Motif de la clôture").fill("Levée de la vigilance rouge")
    page.get_by_role("button", name="Clore la crise").click()
    confirm = page.get_by_test_id("confirm-step").inner_text()
    assert "plus de relance" in confirm and "Message de fin" in confirm
    screenshot(page, "story-10-close-confirm.png")
    page.get_by_role("button", name="Confirmer la clôture").click()
    page.wait_for_url(re.compile(r".*/retex$"))
    page.goto(f"{alert_url}?q=Nadia")
    assert "terminée" in page.locator("main").inner_text()
    page.goto(f"{server}/")
    assert page.get_by_test_id("crisis-banner").count() == 1

    # the RETEX: written from the run, validated, recipients checked, sent
    page.goto(f"{heat_url}/retex")
    figures = page.get_by_test_id("retex-cellule").inner_text()
    assert "Je ne peux pas" in figures
    page.get_by_label("Ce qui a fonctionné").fill("Cellule réunie en moins d'une heure, suppléant appelé aussitôt.")
    page.get_by_label("Ce qui n'a pas fonctionné").fill("Peu de brumisateurs en stock.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_role("button", name="Valider le retour d'expérience").click()
    page.get_by_role("button", name="Confirmer la validation").click()
    page.get_by_role("button", name="Choisir les destinataires").click()
    form = page.get_by_test_id("retex-recipients-form")
    assert "ARS Occitanie" in form.inner_text()
    page.get_by_label(re.compile("Autres adresses")).fill("crise@cpts-voisine.example.org")
    page.get_by_role("button", name="Vérifier les destinataires").click()
    final = page.get_by_test_id("retex-final-recipients").inner_text()
    assert "crise@cpts-voisine.example.org" in final
    screenshot(page, "story-11-retex-recipients.png")
    page.get_by_test_id("confirm-button").click()
    page.get_by_test_id("retex-deliveries").wait_for()
    screenshot(page, "story-12-retex-sent.png")

    # the ARS observer reads it from her home
    ars = ars_ctx.new_page()
    log_in(ars, server, Role.ARS_OBSERVER)
    ars.locator("section.card", has_text="RETEX : Canicule d'août").get_by_role(
        "link", name="Lire le retour d'expérience").click()
    ars.wait_for_url(re.compile(r".*/retex$"))
    assert "Cellule réunie en moins d'une heure" in ars.locator("main").inner_text()
    screenshot(ars, "story-13-ars-reads.png")

    # the bus accident ends too (the other pages' tests start from a CPTS in veille)
    page.goto(bus_url)
    page.get_by_label("Motif de la clôture").fill("Blessés pris en charge")
    page.get_by_role("button", name="Clore la crise").click()
    page.get_by_role("button", name="Confirmer la clôture").click()
    page.wait_for_url(re.compile(r".*/retex$"))
    for ctx in (referent_ctx, member_ctx, ars_ctx):
        ctx.close()
