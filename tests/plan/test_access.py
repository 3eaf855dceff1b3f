"""Who may do what with the plan: every write refused to the ARS observer, the cellule and the professional,
with requests that are otherwise valid (the référent's identical requests succeed)."""

from __future__ import annotations

import pytest

from crisis_app.core.auth import services as auth_services
from crisis_app.core.roles import Role
from crisis_app.plan import activities, services
from tests.conftest import csrf_token
from tests.plan.conftest import complete_data

READERS = [Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL, Role.ARS_OBSERVER]
def bearer(persona) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=persona.user)}"}


NOT_EDITORS = [Role.ARS_OBSERVER, Role.CRISIS_CELL, Role.PROFESSIONAL, Role.QUALITY_REFERENT]


@pytest.fixture
def stage(complete_draft, personas, people):
    """A complete draft (to validate), a validated 2024 version (to publish) and an activity (to mark done)."""
    referent = personas[Role.CRISIS_REFERENT].user
    validated = services.create_draft(actor=referent, year=2024)
    services.update_sections(actor=referent, plan=validated, data={
        k: getattr(complete_draft, k) for k in ("anticipation", "adaptation", "pilotage", "retex")})
    services.validate_plan(actor=referent, plan=validated)
    activity = activities.create_activity(actor=referent, year=2026, data={
        "kind": "exercise", "title": "Exercice canicule", "planned_on": "2026-06-01"})
    return {"draft": complete_draft, "validated": validated, "activity": activity, "people": people}


def html_writes(stage, partner) -> list[tuple[str, dict]]:
    draft, people = stage["draft"], stage["people"]
    data = complete_data(people, partner)
    return [
        ("/plan/nouveau", {"year": "2031"}),
        (f"/plan/{draft.id}/anticipation", {"referent_id": people[0].id, "suppleant_id": people[1].id,
                                            "directory_notes": "Revu."}),
        (f"/plan/{draft.id}/pilotage", {"member-0-role": "Pilote", "member-0-professional_id": people[2].id}),
        (f"/plan/{draft.id}/retex", {"method": "RETEX", "recipient_ids": data["retex"]["recipient_ids"]}),
        (f"/plan/{draft.id}/adaptation/2/1", {"needs": "Besoins NRC", "preset-0-key": "nrc-g1",
                                              "preset-0-name": "NRC 1", "preset-0-title": "NRC",
                                              "preset-0-sms": "Alerte NRC", "preset-0-email": "Alerte NRC",
                                              "preset-0-question": "ack"}),
        (f"/plan/{draft.id}/valider", {}),
        (f"/plan/{stage['validated'].id}/publier", {"confirm": "1"}),
        ("/plan/actions?annee=2026", {"kind": "sensibilisation", "title": "Soirée", "planned_on": "2026-10-02"}),
        (f"/plan/actions/{stage['activity'].id}/realisee", {"done_on": "2026-06-01"}),
    ]


def api_writes(stage) -> list[tuple[str, str, dict | None]]:
    draft = stage["draft"]
    return [
        ("POST", "/api/v1/plans", {"year": 2032}),
        ("PATCH", f"/api/v1/plans/{draft.id}", {"retex": {"method": "RETEX à froid", "recipient_ids": []}}),
        ("POST", f"/api/v1/plans/{draft.id}/validate", None),
        ("POST", f"/api/v1/plans/{stage['validated'].id}/publish", None),
        ("POST", "/api/v1/plans/next-year", None),
    ]


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_pages_refuse_every_plan_write_to_who_may_not_edit(client, login, personas, stage, partner, role):
    login(personas[role])
    token = csrf_token(client, "/compte")
    for url, data in html_writes(stage, partner):
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 403, url


@pytest.mark.parametrize("role", [Role.ARS_OBSERVER, Role.CRISIS_CELL, Role.PROFESSIONAL])
def test_api_refuses_every_plan_write_to_who_may_not_edit(client, personas, stage, role):
    headers = bearer(personas[role])
    for method, url, body in api_writes(stage):
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == 403, url
        assert response.get_json()["error"]["code"] == "forbidden"


def test_the_same_page_writes_succeed_for_the_referent(client, login, personas, stage, partner):
    login(personas[Role.CRISIS_REFERENT])
    token = csrf_token(client, "/compte")
    for url, data in html_writes(stage, partner):
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 302, (url, response.text[:2000])
    assert services.published_plan(2024) is not None


def test_the_same_api_writes_succeed_for_the_referent(client, personas, stage):
    headers = bearer(personas[Role.CRISIS_REFERENT])
    for method, url, body in api_writes(stage):
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code in (200, 201), (url, response.get_json())


def test_the_coordinator_edits_and_publishes_but_only_the_referent_validates(client, personas, stage):
    headers = bearer(personas[Role.COORDINATOR])
    assert client.post(f"/api/v1/plans/{stage['draft'].id}/validate", headers=headers).status_code == 403
    assert client.post(f"/api/v1/plans/{stage['validated'].id}/publish", headers=headers).status_code == 200


@pytest.mark.parametrize("role", READERS)
def test_the_crisis_team_and_the_ars_read_the_plan_and_its_indicators(client, login, personas, stage, role):
    login(personas[role])
    for url in ("/plan/", f"/plan/{stage['draft'].id}", "/plan/indicateurs", "/plan/actions",
                f"/plan/{stage['draft'].id}/differences?avec={stage['validated'].id}"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/plans").status_code == 200


def test_a_professional_reads_only_what_the_plan_asks_of_them(client, login, personas, stage):
    login(personas[Role.PROFESSIONAL])
    for url in ("/plan/", f"/plan/{stage['draft'].id}", f"/plan/{stage['draft'].id}/pdf", "/plan/indicateurs",
                "/api/v1/plans", f"/api/v1/plans/{stage['draft'].id}"):
        assert client.get(url).status_code == 403, url
    assert client.get("/plan/mon-role").status_code == 200
    assert client.get("/api/v1/plans/mine").status_code == 200


def test_publishing_asks_first_in_one_sentence_then_publishes(client, login, personas, stage):
    login(personas[Role.CRISIS_REFERENT])
    url = f"/plan/{stage['validated'].id}/publier"
    token = csrf_token(client, "/compte")
    step = client.post(url, data={"csrf_token": token})
    assert step.status_code == 200 and "Le plan 2024 sera publié" in step.text
    assert 'name="confirm" value="1"' in step.text
    assert services.published_plan(2024) is None
    assert client.post(url, data={"csrf_token": token, "confirm": "1"}).status_code == 302
    assert services.published_plan(2024) is not None
