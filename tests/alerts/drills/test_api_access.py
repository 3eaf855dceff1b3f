"""Drills through the API and the pages: create, read figures, the report (202 then the PDF), launch and cancel;
each refused role is refused with everything else right, and nothing is created."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts.drills.models import Drill, DrillStatus
from crisis_app.alerts.models import Alert
from crisis_app.core.db import db, utcnow
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.roles import Role
from tests.alerts.drills.conftest import answer, drill_data, launch_unannounced
from tests.conftest import csrf_token

MANAGERS = (Role.CRISIS_REFERENT, Role.COORDINATOR)
READERS_ONLY = (Role.CRISIS_CELL, Role.ARS_OBSERVER)
NOT_READERS = (Role.PROFESSIONAL, Role.QUALITY_REFERENT)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _token(client) -> dict:
    return {"X-CSRFToken": csrf_token(client, "/")}


def _logout(client) -> None:
    assert client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")}).status_code == 302


def _form(audience, **overrides) -> dict:
    data = {"title": "Exercice inopiné", "kind": "unannounced", "audience_id": str(audience.id),
            "channels": ["sms", "email"], "question": "ack"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", MANAGERS)
def test_a_manager_launches_an_unannounced_drill_from_the_page(client, login, personas, team, role):
    audience, _ = team
    login(personas[role])
    alerts = _count(Alert)
    response = client.post("/alertes/exercices/nouveau",
                           data={**_form(audience), "csrf_token": csrf_token(client, "/alertes/exercices/nouveau")})
    assert response.status_code == 302
    drill = db.session.scalar(sa.select(Drill).order_by(Drill.id.desc()).limit(1))
    assert drill.status is DrillStatus.LAUNCHED and _count(Alert) == alerts + 1
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'data-testid="drill-people">5<' in page.text


def test_the_form_names_the_bad_field_in_french_and_creates_nothing(client, login, personas, team):
    audience, _ = team
    login(personas[Role.CRISIS_REFERENT])
    drills = _count(Drill)
    url = "/alertes/exercices/nouveau"
    response = client.post(url, data={**_form(audience, kind="scheduled", channels=[]),
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 400
    assert "Choisissez au moins un canal." in response.text
    assert "Indiquez la date et l&#39;heure de l&#39;exercice programmé." in response.text
    assert _count(Drill) == drills


@pytest.mark.parametrize("role", READERS_ONLY + NOT_READERS)
def test_only_the_referent_and_the_coordinator_create_drills(client, login, personas, team, role):
    """Everything right (CSRF token, valid form and JSON) but the role: 403, nothing created."""
    audience, _ = team
    login(personas[role])
    drills, alerts = _count(Drill), _count(Alert)
    assert client.get("/alertes/exercices/nouveau").status_code == 403
    page = client.post("/alertes/exercices/nouveau", data={**_form(audience), "csrf_token": csrf_token(client, "/")})
    assert page.status_code == 403
    api = client.post("/api/v1/drills", json=drill_data(audience), headers=_token(client))
    assert api.status_code == 403
    assert (_count(Drill), _count(Alert)) == (drills, alerts)


@pytest.mark.parametrize("role", READERS_ONLY + NOT_READERS)
def test_only_managers_launch_or_cancel_a_scheduled_drill(client, login, personas, team, referent, role):
    audience, _ = team
    drill_id = _scheduled(client, login, personas, audience)
    login(personas[role])
    for action in ("lancer", "annuler"):
        assert client.post(f"/alertes/exercices/{drill_id}/{action}",
                           data={"csrf_token": csrf_token(client, "/")}).status_code == 403
    for action in ("launch", "cancel"):
        assert client.post(f"/api/v1/drills/{drill_id}/{action}", json={}, headers=_token(client)).status_code == 403
    db.session.expire_all()
    assert db.session.get(Drill, drill_id).status is DrillStatus.SCHEDULED


def _scheduled(client, login, personas, audience) -> int:
    login(personas[Role.CRISIS_REFERENT])
    when = (utcnow() + timedelta(days=3)).isoformat()
    created = client.post("/api/v1/drills", json=drill_data(audience, kind="scheduled", scheduled_for=when),
                          headers=_token(client))
    assert created.status_code == 201, created.text
    _logout(client)
    return created.json["id"]


@pytest.mark.parametrize("role", NOT_READERS)
def test_roles_outside_the_crisis_team_cannot_read_drills(client, login, personas, clock, referent, team, role):
    audience, _ = team
    drill = launch_unannounced(referent, audience)
    login(personas[role])
    for url in ("/alertes/exercices/", f"/alertes/exercices/{drill.id}",
                f"/alertes/exercices/{drill.id}/compte-rendu.pdf", "/api/v1/drills", f"/api/v1/drills/{drill.id}",
                f"/api/v1/drills/{drill.id}/report"):
        assert client.get(url).status_code == 403, url


def test_api_creates_reads_figures_and_serves_the_report(client, login, personas, clock, team):
    audience, p = team
    login(personas[Role.CRISIS_REFERENT])
    created = client.post("/api/v1/drills", json=drill_data(audience), headers=_token(client))
    assert created.status_code == 201 and created.json["status"] == "launched"
    drill = db.session.get(Drill, created.json["id"])
    answer(clock, drill.alert, p["ide1"], "1", minutes=4, via="api")
    _logout(client)
    login(personas[Role.ARS_OBSERVER])
    listed = client.get("/api/v1/drills").json
    assert listed["total"] >= 1 and listed["items"][0]["id"] == drill.id
    figures = client.get(f"/api/v1/drills/{drill.id}").json["figures"]
    assert figures["people"] == 5 and figures["answered"] == 1 and figures["first_answer_seconds"] == 240
    assert figures["total"]["share"] == {"5": 20, "15": 20, "30": 20}
    assert {r["label"]: r["people"] for r in figures["by_via"]} == {"API": 1, "Sans réponse": 4}
    job = client.get(f"/api/v1/drills/{drill.id}/report")
    assert job.status_code == 202 and job.json["waiting"] is True and job.json["kind"] == "drill_report"
    assert client.get(job.json["status_url"]).json["id"] == job.json["id"]  # followed through the documents API
    make_document(job.json["id"])  # the worker's part
    pdf = client.get(f"/api/v1/drills/{drill.id}/report")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_api_refuses_bad_input_with_a_structured_error_and_changes_nothing(client, login, personas, team):
    audience, _ = team
    login(personas[Role.CRISIS_REFERENT])
    drills = _count(Drill)
    response = client.post("/api/v1/drills", json=drill_data(audience, kind="scheduled"), headers=_token(client))
    assert response.status_code == 422 and "scheduled_for" in response.json["error"]["fields"]
    unknown = client.post("/api/v1/drills", json=drill_data(audience, audience_id=999_999), headers=_token(client))
    assert unknown.status_code == 422 and "audience_id" in unknown.json["error"]["fields"]
    assert _count(Drill) == drills


def test_report_and_second_launch_of_a_drill_answer_409(client, login, personas, team):
    audience, _ = team
    drill_id = _scheduled(client, login, personas, audience)
    login(personas[Role.CRISIS_REFERENT])
    assert client.get(f"/api/v1/drills/{drill_id}/report").status_code == 409  # not launched: no report yet
    assert client.post(f"/api/v1/drills/{drill_id}/launch", json={}, headers=_token(client)).status_code == 200
    again = client.post(f"/api/v1/drills/{drill_id}/launch", json={}, headers=_token(client))
    assert again.status_code == 409 and again.json["error"]["code"] == "not_scheduled"
