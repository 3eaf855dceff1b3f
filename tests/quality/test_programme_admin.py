"""Own indicators against their targets, themes, the coordinator's reminder period; refusals per role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crisis_app.actionplan import reminders as action_reminders
from crisis_app.core.db import utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from quality.action_followup import services as followup
from quality.indicators import services as indicators
from quality.sessions import themes
from tests.conftest import csrf_token
from tests.quality.conftest import row_counts
from tests.quality.sessionkit import action_for, event_for_crex

NOT_REFERENTS = [r for r in Role if r is not Role.QUALITY_REFERENT]


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def test_own_indicators_show_their_value_against_the_target(referent):
    year = utcnow().year
    computed = indicators.create_indicator(actor=referent, data={
        "name": "Événements déclarés", "definition": "Déclarations reçues dans l'année", "source": "computed",
        "metric": "events_declared", "target": 2, "unit": "événements"})
    manual = indicators.create_indicator(actor=referent, data={
        "name": "Patients conciliés à la sortie", "definition": "Part des sorties conciliées", "source": "manual",
        "target": 80, "unit": "%"})
    event_for_crex(referent, None, anonymous=True)
    indicators.record_value(actor=referent, indicator=manual, value=60, measured_on=date(year, 1, 1))
    indicators.record_value(actor=referent, indicator=manual, value=85, measured_on=utcnow().date())
    rows = {r["id"]: r for r in indicators.compute(year)["own_indicators"]}
    assert (rows[computed.id]["value"], rows[computed.id]["met"]) == (1, False)
    assert (rows[manual.id]["value"], rows[manual.id]["met"]) == (85, True)


def test_a_computed_indicator_takes_no_hand_value(referent):
    indicator = indicators.create_indicator(actor=referent, data={
        "name": "Séances", "definition": "Séances tenues", "source": "computed", "metric": "sessions_held"})
    with pytest.raises(ServiceError) as refused:
        indicators.record_value(actor=referent, indicator=indicator, value=3, measured_on=utcnow().date())
    assert refused.value.status == 409


def test_the_coordinators_period_sets_the_overdue_steps(personas, referent):
    followup.set_overdue_every_days(actor=personas[Role.COORDINATOR].user, days=3)
    action = action_for(referent, event_for_crex(referent, None, anonymous=True))
    assert action_reminders.run(today=action.due_on + timedelta(days=4)) == 1
    assert action_reminders.step_for(action.due_on, action.due_on + timedelta(days=4), 3)[0] == "retard-1"
    with pytest.raises(ServiceError):
        followup.set_overdue_every_days(actor=personas[Role.COORDINATOR].user, days=0)


def test_a_theme_is_added_once(referent):
    themes.add_theme(actor=referent, label="Plaies chroniques")
    with pytest.raises(ServiceError):
        themes.add_theme(actor=referent, label="plaies chroniques")


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_other_roles_cannot_create_an_indicator_even_with_a_valid_form(login, personas, client, role):
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")
    before = row_counts()
    response = client.post("/qualite/indicateurs/nouveau", data={
        "csrf_token": token, "name": "Séances", "definition": "Séances tenues", "source": "computed",
        "metric": "sessions_held"})
    assert response.status_code == 403 and row_counts() == before


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.COORDINATOR])
def test_only_the_coordinator_sets_the_reminder_period(login, personas, client, role):
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")
    before = row_counts()
    response = client.post("/qualite/parametres/actions", data={"csrf_token": token, "overdue_every_days": "3"})
    assert response.status_code == 403 and row_counts() == before


def test_the_review_page_lists_indicators_and_themes(login, personas, referent):
    themes.add_theme(actor=referent, label="Personne âgée")
    page = login(personas[Role.QUALITY_REFERENT]).get("/qualite/indicateurs/revue")
    assert page.status_code == 200 and "Personne âgée" in page.text
