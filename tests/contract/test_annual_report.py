"""The annual report ("bilan annuel"): made by a worker with its progress, then its PDF and CSV; it holds the plan,
the year's activities, crises with their RETEX, alerts, quality figures, the action plan and each indicator against
its target; the coordinator and the observer read it, nobody else."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from crisis_app.contract import jobs, tasks
from crisis_app.contract.models import AnnualReport, ReportState
from crisis_app.core.auth import services as auth_services
from crisis_app.core.csvexport import DELIMITER
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.plan import activities
from quality.indicators import targets
from tests.conftest import csrf_token

READERS = [Role.COORDINATOR, Role.ARS_OBSERVER]
OTHERS = [r for r in Role if r not in READERS]


def _headers(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


@pytest.fixture
def year_with_activity(personas, contract, ars_crisis):
    referent = personas[Role.CRISIS_REFERENT].user
    activities.create_activity(actor=referent, year=2026, data={
        "kind": "exercise", "title": "Exercice canicule", "done_on": "2026-03-12", "participant_ids": []})
    ars_crisis()
    targets.set_target(actor=personas[Role.COORDINATOR].user, indicator="mission.actions_done", year=2026, value=2,
                       conditions_variable=True)
    return 2026


def _job() -> AnnualReport:
    db.session.expire_all()
    return db.session.scalars(sa.select(AnnualReport).order_by(AnnualReport.id.desc())).first()


def test_the_report_is_made_by_the_worker_and_followed_then_downloaded(login, personas, year_with_activity):
    client = login(personas[Role.COORDINATOR])
    response = client.post("/contrat/bilan", data={"year": "2026", "csrf_token": csrf_token(client, "/contrat/bilan")})
    assert response.status_code == 303
    job = _job()
    page = client.get(f"/contrat/bilan/{job.id}").text
    assert 'http-equiv="refresh"' in page and 'data-testid="report-progress"' in page  # follows without script
    tasks.make_report(job.id)  # what the worker does
    assert (_job().state, _job().progress) == (ReportState.DONE, 100)
    page = client.get(f"/contrat/bilan/{job.id}").text
    assert "Bilan prêt" in page and "refresh" not in page
    pdf = client.get(f"/contrat/bilan/{job.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    csv_text = client.get(f"/contrat/bilan/{job.id}.csv").data.decode("utf-8-sig")
    assert "Exercice canicule" in csv_text and "Canicule" in csv_text
    line = next(row for row in csv.reader(io.StringIO(csv_text), delimiter=DELIMITER) if "Actions réalisées" in row[2])
    assert line[3:6] == ["1", "2.0", "conditionne la part variable ; non atteint"]


def test_a_task_delivered_twice_makes_the_report_once(personas, year_with_activity):
    job = jobs.start_report(actor=personas[Role.COORDINATOR].user, year=2026)
    tasks.make_report(job.id)
    finished = _job().finished_at
    tasks.make_report(job.id)
    assert _job().finished_at == finished


def test_json_holds_every_part_and_each_indicator_against_its_target(client, personas, year_with_activity):
    body = client.get("/api/v1/reports/annual?year=2026", headers=_headers(personas[Role.ARS_OBSERVER].user))
    assert body.status_code == 200
    data = body.get_json()
    assert [a["title"] for a in data["activities"]] == ["Exercice canicule"]
    assert data["crises"][0]["reference"] == "ARS-2026-041" and data["crises"][0]["retex"] == "Non rédigé"
    assert data["plan"]["published"] is False and data["alerts"]["alerts"] == 0
    row = next(r for r in data["indicators"] if r["key"] == "mission.actions_done")
    assert (row["value"], row["target"], row["met"], row["conditions_variable"]) == (1, 2.0, False, True)


def test_api_pdf_is_refused_until_a_report_is_made_then_served(client, personas, year_with_activity):
    headers = _headers(personas[Role.COORDINATOR].user)
    refused = client.get("/api/v1/reports/annual.pdf?year=2026", headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_ready"
    started = client.post("/api/v1/reports/annual?year=2026", headers=headers)
    assert started.status_code == 202 and started.get_json()["waiting"] is True
    tasks.make_report(started.get_json()["id"])
    assert client.get(f"/api/v1/reports/annual/jobs/{started.get_json()['id']}", headers=headers
                      ).get_json()["progress"] == 100
    assert client.get("/api/v1/reports/annual.pdf?year=2026", headers=headers).data.startswith(b"%PDF")
    assert "Exercice canicule" in client.get("/api/v1/reports/annual.csv?year=2026", headers=headers).text


def test_a_bad_year_is_a_structured_422(client, personas):
    response = client.get("/api/v1/reports/annual?year=1850", headers=_headers(personas[Role.COORDINATOR].user))
    assert response.status_code == 422 and "year" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("role", OTHERS)
def test_only_the_coordinator_and_the_observer_read_the_report(client, login, personas, year_with_activity, role):
    job = jobs.start_report(actor=personas[Role.COORDINATOR].user, year=2026)
    tasks.make_report(job.id)
    headers = _headers(personas[role].user)
    assert client.get("/api/v1/reports/annual?year=2026", headers=headers).status_code == 403
    assert client.get("/api/v1/reports/annual.pdf?year=2026", headers=headers).status_code == 403
    page = login(personas[role])
    assert page.get(f"/contrat/bilan/{job.id}.pdf").status_code == 403
    assert page.get("/contrat/bilan").status_code == 403


def test_the_observer_reads_a_report_the_coordinator_made(login, personas, year_with_activity):
    job = jobs.start_report(actor=personas[Role.COORDINATOR].user, year=2026)
    tasks.make_report(job.id)
    client = login(personas[Role.ARS_OBSERVER])
    assert "Bilan annuel" in client.get("/").text
    listing = client.get("/contrat/bilan").text
    assert re.search(rf'href="/contrat/bilan/{job.id}.pdf"', listing)
    assert client.get(f"/contrat/bilan/{job.id}.pdf").data.startswith(b"%PDF")
