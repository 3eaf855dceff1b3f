"""PACTE: a two-year programme with its dated steps, a step tied to the survey that carried it out, the CRM
training's attendance counted, the maturity self-assessment per period on the radar, refusals that write nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from quality.pacte import charts
from quality.pacte import services as pacte
from quality.pacte.models import StepKind
from quality.sessions import services as sessions
from quality.surveys import questionnaire
from quality.surveys import services as surveys
from tests import factories
from tests.conftest import form_post
from tests.quality.conftest import row_counts
from tests.quality.sessionkit import started

SCORES = {"strategique": 2, "structurel": 3, "technique": 1, "culturel": 2}


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def test_a_programme_lasts_two_years_with_its_steps_dated_from_the_start(referent):
    programme = pacte.start(actor=referent, title="PACTE 2027-2028", starts_on=date(2027, 1, 15))
    assert programme.ends_on == date(2029, 1, 15)
    kinds = [s.kind for s in programme.steps]
    assert kinds.count(StepKind.SURVEY) == 2 and kinds.count(StepKind.MATURITY) == 3 and StepKind.CRM in kinds
    assert programme.steps[0].due_on == date(2027, 2, 15)
    assert all(programme.starts_on < s.due_on <= programme.ends_on for s in programme.steps)


def test_crm_training_attendance_and_the_survey_step_feed_the_figures(referent):
    today = utcnow().date()
    programme = pacte.start(actor=referent, title="PACTE", starts_on=today - timedelta(days=30))
    people = [factories.professional() for _ in range(3)]
    crm = sessions.schedule(actor=referent, data={
        "kind": "crm_training", "starts_at": utcnow() + timedelta(days=2), "place": "Salle 1",
        "professional_ids": [p.id for p in people]})
    started(crm)
    sessions.set_attendance(actor=referent, session=crm, present_ids=[p.id for p in crm.participants][:2])
    sessions.hold(actor=referent, session=crm)
    survey = surveys.create(actor=referent, kind="safety_culture", title="Mesure 1",
                            dimensions=questionnaire.DEMO_SAFETY["dimensions"])
    survey_step = next(s for s in programme.steps if s.kind is StepKind.SURVEY)
    pacte.complete_step(actor=referent, step=survey_step, done_on=today, survey_id=survey.id)
    figures = pacte.programme_figures(programme)
    assert figures["crm_trained"] == 2
    assert figures["steps_done"] == 1 and figures["steps"] == 9
    assert figures["safety_culture"]["survey_id"] == survey.id and figures["safety_culture"]["shown"] is False


def test_maturity_per_period_is_drawn_as_a_radar_with_four_axes(referent):
    programme = pacte.start(actor=referent, title="PACTE", starts_on=date(2026, 1, 1))
    pacte.assess(actor=referent, programme=programme, period="Début", assessed_on=date(2026, 2, 1), scores=SCORES)
    pacte.assess(actor=referent, programme=programme, period="Mi-parcours", assessed_on=date(2026, 12, 1),
                 scores={"strategique": 4, "structurel": 4, "technique": 3, "culturel": 5})
    svg = str(charts.radar(programme.assessments, title="Maturité"))
    for name in ("Stratégique", "Structurel", "Technique", "Culturel"):
        assert f">{name}</text>" in svg
    polygons = re.findall(r'<polygon points="([^"]+)" fill="#[0-9a-f]+" fill-opacity[^>]*data-period="([^"]+)"', svg)
    assert [p for _, p in polygons] == ["Début", "Mi-parcours"]
    # the latest: culturel 5 reaches the outer ring on the left (x = centre - radius)
    last = [tuple(map(float, xy.split(","))) for xy in polygons[1][0].split()]
    assert last[3] == (charts.CENTRE - charts.RADIUS, charts.CENTRE)
    assert pacte.programme_figures(programme)["maturity"] == {"strategique": 4, "structurel": 4, "technique": 3,
                                                              "culturel": 5}


@pytest.mark.parametrize("scores, period, field", [
    ({**SCORES, "culturel": 6}, "Fin", "culturel"), ({**SCORES, "technique": None}, "Fin", "technique"),
    (SCORES, "Début", "period"), (SCORES, "", "period")])
def test_a_bad_assessment_is_refused_and_nothing_is_written(referent, scores, period, field):
    programme = pacte.start(actor=referent, title="PACTE", starts_on=date(2026, 1, 1))
    pacte.assess(actor=referent, programme=programme, period="Début", assessed_on=date(2026, 2, 1), scores=SCORES)
    before = row_counts()
    with pytest.raises(ServiceError) as refused:
        pacte.assess(actor=referent, programme=programme, period=period, assessed_on=date(2026, 3, 1), scores=scores)
    assert field in refused.value.fields
    assert row_counts() == before


def test_the_observer_reads_the_programme_page(login, personas, referent):
    pacte.start(actor=referent, title="PACTE de la CPTS du Lauragais", starts_on=date(2026, 1, 1))
    db.session.commit()
    page = login(personas[Role.ARS_OBSERVER]).get("/qualite/pacte")
    assert page.status_code == 200 and "PACTE de la CPTS" in page.text and "<svg" in page.text


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.QUALITY_REFERENT])
def test_only_a_referent_starts_a_programme_even_with_a_valid_form(login, personas, client, role):
    login(personas[role])
    before = row_counts()
    response = form_post(client, "/qualite/pacte/demarrer", {"title": "PACTE", "starts_on": "2026-01-01"},
                         token_from="/qualite/declarer")
    assert response.status_code == 403 and row_counts() == before
