"""Targets per indicator and year: the former single target moves to the current year on upgrade; a target set for
one year leaves the others alone; the contract page shows each indicator of both missions against its target; only
the coordinator sets them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from crisis_app.contract import indicators
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from crisis_app.core.timez import to_paris
from quality.indicators import services, targets
from tests.conftest import csrf_token, form_post
from tests.migrations import database_at


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def test_upgrade_moves_the_single_target_to_the_current_year_and_downgrade_brings_it_back(app, tmp_path):
    row = ("INSERT INTO quality_indicator (id, name, definition, target, unit, source, created_at) VALUES "
           "(4, 'Conciliation', 'Part des sorties conciliées', 80, '%', 'manual', '2026-01-02 08:00:00')")
    with database_at(app, tmp_path, "cont01", [row]) as old, old.app_context():
        upgrade(revision="cont04")
        stored = db.session.execute(sa.text("SELECT indicator, year, value FROM indicator_target")).one()
        assert tuple(stored) == ("own.4", to_paris(utcnow()).year, 80.0)
        db.session.rollback()  # the migration's own connection writes next
        downgrade(revision="cont01")
        assert db.session.scalar(sa.text("SELECT target FROM quality_indicator WHERE id = 4")) == 80.0


def test_an_own_indicator_is_judged_against_the_target_of_the_year_asked(referent):
    year = to_paris(utcnow()).year
    indicator = services.create_indicator(actor=referent, data={
        "name": "Séances", "definition": "Séances tenues", "source": "computed", "metric": "sessions_held",
        "target": 0})
    targets.set_target(actor=referent, indicator=targets.own_key(indicator.id), year=year - 1, value=4)
    this_year = {r["id"]: r for r in services.compute(year)["own_indicators"]}[indicator.id]
    last_year = {r["id"]: r for r in services.compute(year - 1)["own_indicators"]}[indicator.id]
    assert (this_year["target"], this_year["met"]) == (0, True)
    assert (last_year["target"], last_year["met"]) == (4, False)


def test_a_bad_target_is_refused_and_nothing_is_kept(referent):
    for bad in ({"indicator": "quality.participants", "year": 2026, "value": -1},
                {"indicator": "drop table", "year": 2026, "value": 3},
                {"indicator": "quality.participants", "year": 1999, "value": 3}):
        with pytest.raises(ServiceError):
            targets.set_target(actor=referent, **bad)
    assert targets.for_year(2026) == {}


def test_both_missions_indicators_are_listed_against_their_targets(personas):
    coordinator = personas[Role.COORDINATOR].user
    targets.set_target(actor=coordinator, indicator="mission.plan_written", year=2026, value=1,
                       conditions_variable=True)
    targets.set_target(actor=coordinator, indicator="quality.themes_addressed", year=2026, value=0)
    rows = {r["key"]: r for r in indicators.rows_for(2026)}
    assert (rows["mission.plan_written"]["met"], rows["mission.plan_written"]["conditions_variable"]) == (False, True)
    assert rows["quality.themes_addressed"]["met"] is True
    assert rows["mission.evaluations_done"]["target"] is None


def test_the_coordinator_sets_a_target_from_the_page(login, personas):
    client = login(personas[Role.COORDINATOR])
    response = form_post(client, "/contrat/indicateurs/cible", {
        "indicator": "mission.actions_done", "year": "2026", "value": "4", "conditions_variable": "1"},
        token_from="/contrat/indicateurs?annee=2026")
    assert response.status_code == 302
    page = client.get("/contrat/indicateurs?annee=2026").text
    assert 'value="4"' in page
    assert targets.for_year(2026)["mission.actions_done"].conditions_variable is True


@pytest.mark.parametrize("role", [Role.QUALITY_REFERENT, Role.CRISIS_REFERENT, Role.ARS_OBSERVER])
def test_only_the_coordinator_sets_targets(login, personas, role):
    client = login(personas[role])
    response = client.post("/contrat/indicateurs/cible", data={
        "indicator": "mission.actions_done", "year": "2026", "value": "4",
        "csrf_token": csrf_token(client, "/mon-compte")})
    assert response.status_code == 403
    assert targets.for_year(2026) == {}
