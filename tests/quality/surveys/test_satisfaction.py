"""Patient satisfaction: a public link per cabinet (no login, no personal data asked), rate-limited per address as
the public declaration link is, results per month and per question; the poster; the API's refusals."""

from __future__ import annotations

import re

import pytest

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.roles import Role
from crisis_app.core.timez import to_paris
from quality.surveys import questionnaire
from quality.surveys import services as surveys
from tests.conftest import csrf_token
from tests.quality.conftest import row_counts


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _point(referent):
    survey = surveys.create(actor=referent, kind="satisfaction", title="Votre avis",
                            dimensions=questionnaire.DEMO_SATISFACTION["dimensions"])
    surveys.open_survey(actor=referent, survey=survey)
    point = surveys.add_point(actor=referent, survey=survey, label="Maison de santé du centre-ville")
    db.session.commit()
    return survey, point


def _answer(client, token: str, values: list[int]):
    path = f"/avis/{token}"
    page = client.get(path)
    ids = list(dict.fromkeys(re.findall(r'name="q(\d+)"', page.text)))
    data = {f"q{q}": str(v) for q, v in zip(ids, values, strict=True)}
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def test_a_patient_answers_from_the_public_link_without_login_and_the_month_moves(client, referent):
    survey, point = _point(referent)
    page = client.get(f"/avis/{point.token}")
    assert page.status_code == 200 and "Maison de santé du centre-ville" in page.text
    assert 'type="email"' not in page.text and 'name="name"' not in page.text  # no personal data asked
    year, month = to_paris(utcnow()).year, to_paris(utcnow()).month
    before = surveys.satisfaction_by_month(year)[month - 1]
    for values in ([5, 4, 4, 5], [4, 4, 2, 5], [5, 5, 5, 5], [2, 1, 4, 4], [4, 4, 4, 4]):
        response = _answer(client, point.token, values)
        assert response.status_code == 200 and "Merci" in response.text
    after = surveys.satisfaction_by_month(year)[month - 1]
    assert after["responses"] == before["responses"] + 5
    if before["responses"] == 0:
        assert after["positive_pct"] == 85.0  # 17 positive answers of 20
    by_question = surveys.satisfaction_by_question(survey, year)[month - 1]["questions"]
    assert sorted(v for v in by_question.values()) == [80.0, 80.0, 80.0, 100.0]


def test_the_public_link_is_rate_limited_per_address(app, client, referent, monkeypatch):
    _, point = _point(referent)
    monkeypatch.setitem(app.config, "QUALITY_PUBLIC_RATE", "2/hour")
    client.environ_base.update({"REMOTE_ADDR": "198.51.100.23"})
    assert _answer(client, point.token, [4, 4, 4, 4]).status_code == 200
    assert _answer(client, point.token, [4, 4, 4, 4]).status_code == 200
    before = row_counts()
    assert _answer(client, point.token, [4, 4, 4, 4]).status_code == 429
    assert row_counts() == before


def test_an_unknown_link_and_a_closed_questionnaire_take_no_answer(client, referent):
    survey, point = _point(referent)
    assert client.get("/avis/inconnu").status_code == 404
    surveys.close(actor=referent, survey=survey)
    db.session.commit()
    before = row_counts()
    response = _answer(client, point.token, [4, 4, 4, 4])
    assert response.status_code == 410 and row_counts() == before


def test_the_poster_is_a_pdf_with_the_link(login, personas, referent):
    _, point = _point(referent)
    response = login(personas[Role.QUALITY_REFERENT]).get(f"/qualite/questionnaires/liens/{point.id}/affiche.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def _auth(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def test_the_api_creates_a_questionnaire_and_an_observer_reads_results_not_answers(client, personas, referent):
    body = {"kind": "satisfaction", "title": "Avis des aidants", "dimensions": [
        {"label": "Écoute", "questions": [{"text": "On m'a écouté."}, {"text": "On m'a ignoré.", "negative": True}]}]}
    created = client.post("/api/v1/quality/surveys", json=body, headers=_auth(referent))
    assert created.status_code == 201, created.json
    results = client.get(f"/api/v1/quality/surveys/{created.json['id']}/results",
                         headers=_auth(personas[Role.ARS_OBSERVER].user))
    assert results.status_code == 200 and results.json["shown"] is False
    assert results.json["dimensions"][0]["positive_pct"] is None
    assert "answers" not in results.json and "comments" not in results.json
    listing = client.get("/api/v1/quality/surveys", headers=_auth(personas[Role.COORDINATOR].user))
    assert listing.status_code == 200 and listing.json["total"] >= 1
    bad = client.post("/api/v1/quality/surveys", json={**body, "dimensions": []}, headers=_auth(referent))
    assert bad.status_code == 422


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.QUALITY_REFERENT])
def test_only_a_quality_referent_creates_a_questionnaire(client, personas, role):
    body = {"kind": "satisfaction", "title": "Avis", "dimensions": [{"label": "A", "questions": [{"text": "Q"}]}]}
    headers = _auth(personas[role].user)
    before = row_counts()
    assert client.post("/api/v1/quality/surveys", json=body, headers=headers).status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.CRISIS_CELL, Role.CRISIS_REFERENT])
def test_results_are_refused_to_those_who_do_not_read_indicators(client, personas, referent, role):
    survey, _ = _point(referent)
    answer = client.get(f"/api/v1/quality/surveys/{survey.id}/results", headers=_auth(personas[role].user))
    assert answer.status_code == 403


def test_the_satisfaction_shows_on_the_indicators_page_from_five_questionnaires(client, login, personas, referent):
    survey, point = _point(referent)
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"  # an address of its own: the link's limit is per address
    year = to_paris(utcnow()).year
    assert surveys.satisfaction_of_year(year)["responses"] == 0  # each test starts from an empty database
    for values in ([5, 4, 4, 5], [4, 4, 2, 5], [5, 5, 5, 5], [2, 1, 4, 4]):
        assert "Merci" in _answer(client, point.token, values).text
    login(personas[Role.QUALITY_REFERENT])
    page = client.get("/qualite/indicateurs").text
    assert 'data-testid="satisfaction">—<' in page and "4\u00a0questionnaires remplis" in page
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/mon-compte")})
    assert "Merci" in _answer(client, point.token, [4, 4, 4, 4]).text
    login(personas[Role.QUALITY_REFERENT])
    page = client.get("/qualite/indicateurs").text
    assert 'data-testid="satisfaction">85\u00a0%<' in page  # 17 positive answers of 20


def test_the_table_per_question_counts_each_month_apart_in_one_query(referent):
    """Answers in February (5 each), July (6 each) and November (3: too few to show) of one year, and one the year
    after: each month shows its own share per question, a negative question counts disagreeing as positive, and
    the whole table is one grouped query over the answers (plus the questionnaire's questions)."""
    from datetime import date

    import sqlalchemy as sa

    from quality.surveys.models import SurveyAnswer

    survey = surveys.create(actor=referent, kind="satisfaction", title="Votre avis", dimensions=[
        {"label": "Accueil", "questions": [{"text": "J'ai été bien accueilli."},
                                           {"text": "J'ai attendu trop longtemps.", "negative": True}]}])
    db.session.flush()
    plain, negative = [q.id for d in survey.dimensions for q in d.questions]
    year = 2031
    answers = {(2, plain): [5, 4, 4, 2, 1], (2, negative): [1, 2, 5, 5, 5],  # 60 % and 40 %
               (7, plain): [4, 4, 4, 4, 4, 3], (7, negative): [2, 2, 2, 4, 4, 4],  # 83.3 % and 50 %
               (11, plain): [5, 5, 5], (11, negative): [1, 1, 1]}  # 3 answers: not shown
    for (month, question), values in answers.items():
        for i, value in enumerate(values):
            db.session.add(SurveyAnswer(survey_id=survey.id, question_id=question, value=value,
                                        day=date(year, month, 1 + 3 * i)))
    db.session.add(SurveyAnswer(survey_id=survey.id, question_id=plain, value=5, day=date(year + 1, 1, 2)))
    db.session.flush()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        table = surveys.satisfaction_by_question(survey, year)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    shown = {row["month"]: row["questions"] for row in table}
    assert shown[2] == {plain: 60.0, negative: 40.0}
    assert shown[7] == {plain: 83.3, negative: 50.0}
    assert shown[11] == {plain: None, negative: None}
    assert shown[1] == {plain: None, negative: None} and len(table) == 12
    assert len(statements) <= 2
