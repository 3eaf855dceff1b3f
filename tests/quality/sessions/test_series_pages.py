"""Recurring sessions from the page and the API: the form's words make the rule, the series' page lists its
occurrences, and every refusal sends a valid request so only the role can fail it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.roles import Role
from quality.sessions import series, themes
from quality.sessions.calendar import PARIS
from quality.sessions.models import QualityTheme
from tests import factories
from tests.conftest import csrf_token, form_post
from tests.quality.conftest import row_counts

NOT_REFERENTS = [r for r in Role if r is not Role.QUALITY_REFERENT]


def _form(person_id: int) -> dict:
    first = (utcnow() + timedelta(days=40)).astimezone(PARIS).date()
    first += timedelta(days=(3 - first.weekday()) % 7)  # a Thursday
    return {"kind": "practice_group", "title": "Groupe plaies", "frequency": "weekly", "interval": "2",
            "weekday": "3", "nth": "2", "at": "18:15", "first_day": first.isoformat(), "duration_minutes": "90",
            "place": "Salle 1", "professional_ids": [str(person_id)], "invite": "oui", "theme_ids": []}


def test_a_referent_plans_a_fortnightly_group_from_the_page(login, personas):

    themes.ensure_default_themes()


    db.session.commit()
    theme = db.session.scalar(sa.select(QualityTheme).where(QualityTheme.label == "Plaies chroniques"))
    person = factories.reachable_professional(channels=("email",))
    client = login(personas[Role.QUALITY_REFERENT])
    new = "/qualite/seances/series/nouvelle"
    refused = form_post(client, new, _form(person.id), token_from="/qualite/seances/nouvelle")
    assert refused.status_code == 200 and "Choisissez le thème" in refused.text
    response = form_post(client, new, {**_form(person.id), "theme_ids": [str(theme.id)]},
                         token_from="/qualite/seances/nouvelle")
    assert response.status_code == 302, response.text
    page = client.get(response.headers["Location"])
    assert "le jeudi, toutes les 2 semaines, à 18:15" in page.text
    first = date.fromisoformat(_form(person.id)["first_day"])
    horizon = utcnow() + series.AHEAD
    expected = sum(1 for d in range(0, 200, 14) if datetime.combine(first + timedelta(days=d), time(18, 15), PARIS)
                   <= horizon)  # every other Thursday from the first, up to six months from today
    assert page.text.count("— Planifiée") == expected > 5


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_other_roles_cannot_plan_a_series_even_with_a_valid_form(login, personas, client, role):
    person = factories.reachable_professional(channels=("email",))
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")
    before = row_counts()
    response = client.post("/qualite/seances/series/nouvelle", data={**_form(person.id), "csrf_token": token})
    assert response.status_code == 403
    assert row_counts() == before


def _auth(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def _body() -> dict:
    first = (utcnow() + timedelta(days=3)).astimezone(PARIS).replace(hour=12, minute=30, second=0, microsecond=0)
    return {"kind": "crex", "rrule": "FREQ=MONTHLY;BYDAY=+2TU", "first_at": first.replace(tzinfo=None).isoformat(),
            "place": "Salle du conseil", "professional_ids": [factories.professional().id], "invite": False}


def test_the_api_plans_a_series_and_one_occurrence_moves_alone(client, personas):
    headers = _auth(personas[Role.QUALITY_REFERENT].user)
    created = client.post("/api/v1/quality/sessions/series", json=_body(), headers=headers)
    assert created.status_code == 201, created.json
    occurrences = created.json["occurrences"]
    assert created.json["rule_text"] == "le 2e mardi de chaque mois à 12:30"
    assert len(occurrences) >= 5 and all(o["series_id"] == created.json["series"]["id"] for o in occurrences)
    moved = occurrences[1]
    answer = client.patch(f"/api/v1/quality/sessions/{moved['id']}", headers=headers,
                          json={"starts_at": "2099-01-01T09:00:00"})
    assert answer.status_code == 200
    again = client.get(f"/api/v1/quality/sessions/series/{created.json['series']['id']}", headers=headers).json
    pairs = zip(again["occurrences"], occurrences, strict=True)
    changed = [o["id"] for o, b in pairs if o["starts_at"] != b["starts_at"]]
    assert changed == [moved["id"]]
    bad = client.post("/api/v1/quality/sessions/series", json={**_body(), "rrule": "FREQ=HOURLY"}, headers=headers)
    assert bad.status_code == 422 and "rrule" in bad.json["error"]["fields"]


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_only_a_quality_referent_plans_a_series(client, personas, role):
    body, headers = _body(), _auth(personas[role].user)
    before = row_counts()
    answer = client.post("/api/v1/quality/sessions/series", json=body, headers=headers)
    assert answer.status_code == 403
    assert row_counts() == before
