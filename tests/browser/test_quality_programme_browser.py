"""On a phone-sized screen (390×844), the quality programme of issue 21, screenshots in test-artifacts/:

* a practice-analysis group on « Plaies chroniques » is planned, held with its attendance and conclusions, and the
  participants' figure counts the professionals present;
* a monthly CREX series is planned in words, one occurrence is moved, the others stay;
* a safety-culture survey is sent to 8 people, 5 answer from their personal links (no login), the results appear,
  a sixth answer moves them, and no table ties an answer to its author;
* a patient answers the satisfaction questionnaire from the public link of a cabinet.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from crisis_app.core.db import utcnow
from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_quality_browser import PHONE

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


def _no_error(page) -> None:
    assert page.locator(".flash-error").count() == 0, page.locator(".flash-error").all_inner_texts()


def _database(tmp_path_factory) -> str:
    paths = list(tmp_path_factory.getbasetemp().glob("**/vigie.sqlite"))
    return str(max(paths, key=lambda p: p.stat().st_mtime))


def _counted(page, server: str) -> int:
    page.goto(f"{server}/qualite/seances")
    text = page.get_by_test_id("participants-figure").inner_text()
    return int(re.search(r":\s*(\d+)\s*professionnel", text).group(1))


def test_a_practice_group_on_chronic_wounds_is_held_and_counted(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, server, Role.QUALITY_REFERENT)
    before = _counted(page, server)
    page.goto(f"{server}/qualite/seances/nouvelle")
    page.get_by_label("Type de séance").select_option("practice_group")
    page.get_by_label("Intitulé (facultatif)").fill("Groupe d'analyse des pratiques — plaies du pied diabétique")
    start = (utcnow() - timedelta(minutes=30)).astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Date et heure (heure de Paris)").fill(start)
    page.get_by_label("Lieu").fill("Maison de santé, salle 2")
    boxes = page.locator('input[name="professional_ids"]')
    for n in range(10, 14):
        boxes.nth(n).check()
    page.locator("label", has_text="Plaies chroniques").locator("input").check()
    page.locator('input[name="invite"]').uncheck()
    screenshot(page, "quality-programme-1-group-plan.png")
    page.get_by_role("button", name="Planifier").click()
    _no_error(page)
    attendance = page.locator('input[name="present_ids"]')
    for n in range(3):
        attendance.nth(n).check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    _no_error(page)
    page.get_by_label("Pratiques analysées").fill("Choix des pansements et décharge du pied, trois situations.")
    page.get_by_label("Conclusions du groupe").fill("Un protocole commun de décharge ; un avis podologique à J7.")
    page.get_by_test_id("session-discussion").get_by_role("button", name="Enregistrer").click()
    _no_error(page)
    page.get_by_role("button", name="Marquer la séance tenue").click()
    _no_error(page)
    assert page.get_by_test_id("session-status").inner_text() == "Tenue"
    screenshot(page, "quality-programme-2-group-held.png")
    assert _counted(page, server) == before + 3
    screenshot(page, "quality-programme-3-group-counted.png")
    context.close()


def test_a_monthly_crex_series_with_one_occurrence_moved(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, server, Role.QUALITY_REFERENT)
    page.goto(f"{server}/qualite/seances/series/nouvelle")
    page.get_by_label("Type de séance").select_option("crex")
    page.get_by_label("Intitulé (facultatif)").fill("CREX du deuxième mardi")
    page.locator('select[name="nth"]').select_option("2")
    page.locator('select[name="weekday"]').select_option("1")
    page.get_by_label("Heure (heure de Paris)").fill("12:30")
    first = (utcnow() + timedelta(days=3)).astimezone(PARIS).date()
    page.get_by_label("Première séance le").fill(first.isoformat())
    page.get_by_label("Lieu").fill("Maison de santé, salle de réunion")
    boxes = page.locator('input[name="professional_ids"]')
    for n in range(3):
        boxes.nth(n).check()
    screenshot(page, "quality-programme-4-series-plan.png")
    page.get_by_role("button", name="Planifier la série").click()
    _no_error(page)
    assert page.get_by_test_id("series-rule").inner_text().startswith("CREX · le 2e mardi de chaque mois à 12:30")
    occurrences = page.get_by_test_id("series-occurrences").locator("li")
    count = occurrences.count()
    assert count >= 5
    dates = occurrences.all_inner_texts()
    assert all("12:30" in d for d in dates)
    series_url = page.url
    occurrences.nth(1).get_by_role("link").click()
    moved_to = page.locator('input[name="starts_at"]').input_value()  # the second occurrence, 12:30
    day = moved_to[:10]
    wednesday = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    page.get_by_label("Nouvelle date et heure (heure de Paris)").fill(f"{wednesday}T18:00")
    page.get_by_role("button", name="Déplacer la séance").click()
    _no_error(page)
    assert "déplacée (prévue le" in page.content()
    screenshot(page, "quality-programme-5-occurrence-moved.png")
    page.goto(series_url)
    after = page.get_by_test_id("series-occurrences").locator("li").all_inner_texts()
    assert len(after) == count
    changed = [(b, a) for b, a in zip(dates, after, strict=True) if b != a]
    assert len(changed) == 1 and "18:00" in changed[0][1] and "déplacée" in changed[0][1]
    screenshot(page, "quality-programme-6-series.png")
    context.close()


def _outbox_links(tmp_path_factory, title: str, count: int) -> list[str]:
    """The personal links as the built-in sink received them (the worker renders each delivery)."""
    import time

    deadline = time.monotonic() + 60
    while True:
        with sqlite3.connect(_database(tmp_path_factory)) as connection:
            bodies = [b for (b,) in connection.execute("SELECT body FROM outbox_message WHERE subject = ? ORDER BY id",
                                                       (f"Questionnaire : {title}",))]
        links = [m for body in bodies for m in re.findall(r"https?://\S+/questionnaire/\S+", body)]
        if len(links) >= count or time.monotonic() > deadline:
            return links
        time.sleep(1)


def _answer(browser, link: str, values: list[int], shot: str | None = None) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(link)
    questions = page.get_by_test_id("survey-question")
    for n in range(questions.count()):
        questions.nth(n).locator(f'input[value="{values[n % len(values)]}"]').check()
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_test_id("survey-thanks")).to_be_visible()
    context.close()


def test_a_safety_culture_survey_sent_to_eight_answered_by_five_then_six(server, browser, tmp_path_factory):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, server, Role.QUALITY_REFERENT)
    page.goto(f"{server}/qualite/questionnaires/nouveau")
    page.get_by_label("Type").select_option("safety_culture")
    page.get_by_label("Titre").fill("Culture de sécurité — équipe de soins primaires")
    page.get_by_role("button", name="Enregistrer").click()
    _no_error(page)
    boxes = page.locator('input[name="professional_ids"]')
    for n in range(20, 28):
        boxes.nth(n).check()
    screenshot(page, "quality-programme-7-survey-invite.png")
    page.get_by_role("button", name="Envoyer les invitations").click()
    _no_error(page)
    survey_url = page.url
    with sqlite3.connect(_database(tmp_path_factory)) as connection:
        invited = connection.execute("SELECT count(*) FROM quality_survey_invitation WHERE survey_id = "
                                     "(SELECT max(id) FROM quality_survey)").fetchone()[0]
        reachable = connection.execute("SELECT recipient_count FROM message WHERE topic = 'quality.survey.invite' "
                                       "ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert invited == 8 and reachable >= 6  # a person without a consented e-mail is invited but not reachable
    links = _outbox_links(tmp_path_factory, "Culture de sécurité — équipe de soins primaires", reachable)
    assert len(links) == len(set(links)) == reachable
    # the demo questionnaire: three dimensions of two questions, the 4th and 6th worded negatively
    positive, negative = [5, 4, 5, 1, 4, 2], [1, 2, 2, 5, 1, 4]
    for n, link in enumerate(links[:5]):
        _answer(browser, link, positive if n < 4 else negative, shot="quality-programme-8-survey-answer.png" if n == 0
                else None)
        page.goto(survey_url)
        if n < 4:
            expect(page.get_by_test_id("survey-results-hidden")).to_be_visible()
    shown = page.get_by_test_id("dimension-pct").all_inner_texts()
    assert shown == ["80\u00a0%"] * 3
    screenshot(page, "quality-programme-9-survey-results.png")
    _answer(browser, links[5], negative)
    page.goto(survey_url)
    moved = page.get_by_test_id("dimension-pct").all_inner_texts()
    assert moved != shown and moved == ["66,7\u00a0%"] * 3
    again = browser.new_context(**PHONE).new_page()
    again.goto(links[0])
    assert "déjà répondu" in again.content()
    with sqlite3.connect(_database(tmp_path_factory)) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(quality_survey_answer)")}
        assert columns == {"id", "survey_id", "question_id", "point_id", "value", "day"}
        names = [n for (n,) in connection.execute("SELECT name FROM quality_survey_invitation")]
        rows = " ".join(str(r) for r in connection.execute("SELECT * FROM quality_survey_answer"))
        rows += " ".join(str(r) for r in connection.execute("SELECT * FROM quality_survey_comment"))
    assert names and not any(name in rows for name in names)
    screenshot(page, "quality-programme-10-survey-moved.png")
    context.close()


def test_a_patient_answers_the_satisfaction_questionnaire_from_the_public_link(server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, server, Role.QUALITY_REFERENT)
    page.goto(f"{server}/qualite/questionnaires/nouveau")
    page.get_by_label("Type").select_option("satisfaction")
    page.get_by_label("Titre").fill("Votre avis sur le cabinet")
    page.get_by_role("button", name="Enregistrer").click()
    _no_error(page)
    page.get_by_role("button", name="Ouvrir aux réponses").click()
    page.get_by_label("Cabinet ou parcours").fill("Maison de santé du centre-ville")
    page.get_by_role("button", name="Créer un lien public").click()
    _no_error(page)
    link = page.get_by_test_id("survey-point-link").first.get_attribute("href")
    survey_url = page.url
    _answer(browser, f"{server}{link}", [5, 4, 4, 5], shot="quality-programme-11-patient-answer.png")
    page.goto(survey_url)
    assert page.get_by_test_id("survey-responses").inner_text() == "1\u00a0réponse"
    screenshot(page, "quality-programme-12-satisfaction.png")
    context.close()
