"""Crises API: open, level, close, journal, evaluation; invalid transitions change nothing; roles refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.crises import journal, mission, retex, services
from crisis_app.crises.models import Crisis, Evaluation

OPEN = {"title": "Canicule août", "typology": 4, "gradation": 1, "authority": "prefecture", "is_exercise": False}


@pytest.fixture
def bearer(personas):
    def _headers(role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=personas[role].user)}"}
    return _headers


def _snapshot(crisis_id):
    db.session.expire_all()
    crisis = db.session.get(Crisis, crisis_id)
    return crisis.gradation, crisis.closed_at, len(journal.entries(crisis))


def test_the_referent_runs_a_crisis_through_the_api(client, bearer):
    ref = bearer(Role.CRISIS_REFERENT)
    created = client.post("/api/v1/crises", json={**OPEN, "authority_reference": "Arrêté 2026-08"}, headers=ref)
    assert created.status_code == 201, created.text
    cid = created.get_json()["id"]
    level = client.post(f"/api/v1/crises/{cid}/level", json={"gradation": 2, "reason": "Décision ARS"}, headers=ref)
    assert level.status_code == 200 and level.get_json()["gradation_label"] == "Gradation 2"
    entry = client.post(f"/api/v1/crises/{cid}/journal", json={"kind": "decision", "text": "Point à 18 h"},
                        headers=ref)
    assert entry.status_code == 201 and entry.get_json()["author"] == "Julien Référent"
    fix = client.post(f"/api/v1/crises/{cid}/journal", headers=ref,
                      json={"kind": "correction", "text": "Point à 19 h", "corrects": entry.get_json()["id"]})
    assert fix.status_code == 201 and fix.get_json()["corrects"] == entry.get_json()["id"]
    closed = client.post(f"/api/v1/crises/{cid}/close", json={"reason": "Fin de vigilance"}, headers=ref)
    assert closed.status_code == 200 and closed.get_json()["active"] is False
    items = client.get(f"/api/v1/crises/{cid}/journal", headers=ref).get_json()["items"]
    assert [i["kind"] for i in items] == ["level_change", "level_change", "decision", "correction", "level_change"]


def test_the_cellule_writes_the_journal(client, bearer, crisis):
    entry = client.post(f"/api/v1/crises/{crisis.id}/journal", json={"kind": "information", "text": "38 °C"},
                        headers=bearer(Role.CRISIS_CELL))
    assert entry.status_code == 201 and entry.get_json()["author"] == "Nadia Cellule"
    assert entry.get_json()["hash"] == journal.entries(crisis)[-1].hash


def test_closing_a_closed_crisis_answers_409_and_changes_nothing(client, bearer, crisis, referent):
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    before = _snapshot(crisis.id)
    response = client.post(f"/api/v1/crises/{crisis.id}/close", json={"reason": "Encore"},
                           headers=bearer(Role.CRISIS_REFERENT))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_closed"
    assert _snapshot(crisis.id) == before


def test_changing_a_closed_crisis_answers_409_and_changes_nothing(client, bearer, crisis, referent):
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    before = _snapshot(crisis.id)
    ref = bearer(Role.CRISIS_REFERENT)
    assert client.post(f"/api/v1/crises/{crisis.id}/level", json={"gradation": 2, "reason": "x"},
                       headers=ref).status_code == 409
    assert client.post(f"/api/v1/crises/{crisis.id}/journal", json={"kind": "decision", "text": "x"},
                       headers=ref).status_code == 409
    assert _snapshot(crisis.id) == before


@pytest.mark.parametrize("gradation", [3, -1, "2", None])
def test_a_gradation_that_does_not_exist_answers_422_and_changes_nothing(client, bearer, crisis, gradation):
    before = _snapshot(crisis.id)
    response = client.post(f"/api/v1/crises/{crisis.id}/level", json={"gradation": gradation, "reason": "x"},
                           headers=bearer(Role.CRISIS_REFERENT))
    assert response.status_code == 422 and "gradation" in response.get_json()["error"]["fields"]
    assert _snapshot(crisis.id) == before


@pytest.mark.parametrize(("field", "value"), [("typology", 6), ("gradation", 5), ("authority", "mairie"),
                                              ("title", ""), ("is_exercise", "peut-être")])
def test_an_invalid_opening_answers_422_and_opens_nothing(client, bearer, db_session, field, value):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Crisis))
    response = client.post("/api/v1/crises", json={**OPEN, field: value}, headers=bearer(Role.CRISIS_REFERENT))
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Crisis)) == count


def test_the_evaluation_is_written_then_validated_once_the_crisis_is_closed(client, bearer, crisis, referent):
    ref = bearer(Role.CRISIS_REFERENT)
    put = client.put(f"/api/v1/crises/{crisis.id}/evaluation", headers=ref, json={
        "worked": "Mobilisation rapide", "not_worked": "Annuaire incomplet",
        "actions": [{"title": "Relancer les IDE", "owner": "Julien", "due_on": "2027-01-15"}]})
    assert put.status_code == 200 and put.get_json()["actions"][0]["status"] == "planifiee"
    assert put.get_json()["figures"]["timeline"]
    assert client.post(f"/api/v1/crises/{crisis.id}/evaluation/validate", headers=ref).status_code == 409  # open
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    assert client.post(f"/api/v1/crises/{crisis.id}/evaluation/validate", headers=ref).get_json()["status"] == \
        "validated"


def test_the_ars_observer_reads_the_evaluation(client, bearer, crisis, referent):
    retex.save(actor=referent, crisis=crisis, worked="Mobilisation rapide", not_worked="", actions=[])
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    retex.validate(actor=referent, crisis=crisis)
    read = client.get(f"/api/v1/crises/{crisis.id}/evaluation", headers=bearer(Role.ARS_OBSERVER))
    assert read.status_code == 200 and read.get_json()["status"] == "validated"
    assert read.get_json()["worked"] == "Mobilisation rapide" and read.get_json()["figures"]["closed_at"]


def test_a_professional_sees_only_that_a_crisis_is_on(client, bearer, crisis):
    pro = bearer(Role.PROFESSIONAL)
    current = client.get("/api/v1/crises/current", headers=pro)
    assert current.status_code == 200 and current.get_json()["items"][0]["title"] == "Canicule juillet"
    for url in ("/api/v1/crises", f"/api/v1/crises/{crisis.id}", f"/api/v1/crises/{crisis.id}/journal",
                f"/api/v1/crises/{crisis.id}/evaluation"):
        assert client.get(url, headers=pro).status_code == 403, url


WRITES = [
    ("post", "/api/v1/crises", OPEN),
    ("post", "/api/v1/crises/{id}/level", {"gradation": 2, "reason": "Décision ARS"}),
    ("post", "/api/v1/crises/{id}/close", {"reason": "Fin"}),
    ("post", "/api/v1/crises/{id}/journal", {"kind": "decision", "text": "Décision"}),
    ("put", "/api/v1/crises/{id}/evaluation", {"worked": "a", "not_worked": "b", "actions": []}),
    ("post", "/api/v1/crises/{id}/evaluation/validate", None),
    ("post", "/api/v1/crises/{id}/evaluation/send", None),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_the_ars_observer_gets_403_on_every_write(client, bearer, crisis, method, url, body):
    before = _snapshot(crisis.id)
    response = getattr(client, method)(url.format(id=crisis.id), json=body, headers=bearer(Role.ARS_OBSERVER))
    assert response.status_code == 403
    assert _snapshot(crisis.id) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0


@pytest.mark.parametrize(("method", "url", "body"), [w for w in WRITES if "journal" not in w[1]])
def test_the_cellule_may_not_open_change_close_or_send(client, bearer, crisis, method, url, body):
    before = _snapshot(crisis.id)
    response = getattr(client, method)(url.format(id=crisis.id), json=body, headers=bearer(Role.CRISIS_CELL))
    assert response.status_code == 403 and _snapshot(crisis.id) == before


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.ARS_OBSERVER, Role.QUALITY_REFERENT, Role.COORDINATOR])
def test_only_the_referent_and_the_cellule_write_the_journal(client, bearer, crisis, role):
    response = client.post(f"/api/v1/crises/{crisis.id}/journal", json={"kind": "decision", "text": "x"},
                           headers=bearer(role))
    assert response.status_code == 403 and len(journal.entries(crisis)) == 1


def test_journal_entries_cannot_be_edited_or_deleted_through_the_api(client, bearer, crisis):
    ref = bearer(Role.CRISIS_REFERENT)
    entry_id = journal.entries(crisis)[0].id
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/crises/{crisis.id}/journal", json={}, headers=ref).status_code == 405
        assert getattr(client, method)(f"/api/v1/crises/{crisis.id}/journal/{entry_id}", json={},
                                       headers=ref).status_code == 404


def test_a_session_write_without_csrf_is_refused(client, login, personas, crisis):
    login(personas[Role.CRISIS_REFERENT])
    response = client.post(f"/api/v1/crises/{crisis.id}/close", json={"reason": "Fin"})
    assert response.status_code == 400 and crisis.active


def test_evaluations_sent_count_is_zero_before_any_send(crisis):
    assert mission.evaluations_sent(2026) == 0


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-11-30T10:00:00"])
def test_a_qualification_time_out_of_range_or_without_zone_answers_422(client, bearer, db_session, value):
    response = client.post("/api/v1/crises", json={**OPEN, "qualified_at": value}, headers=bearer(Role.CRISIS_REFERENT))
    assert response.status_code == 422 and "qualified_at" in response.get_json()["error"]["fields"]
