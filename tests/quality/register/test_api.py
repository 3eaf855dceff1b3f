"""The adverse-event API: declaring named or anonymous, the 422 on patient data, who reads what, transitions."""

from __future__ import annotations

import pytest
from stdnum.fr import nir

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from quality.register.vocab import State
from tests.quality.conftest import declaration, declare, row_counts

VALID_NIR = "1850578006084" + nir.calc_check_digits("1850578006084")
NOT_REFERENTS = [r for r in Role if r is not Role.QUALITY_REFERENT]


def _body(**overrides) -> dict:
    data = declaration(**overrides)
    data["occurred_on"] = data["occurred_on"].isoformat()
    return data


def _auth(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_declares_anonymously_and_gets_a_follow_up_url(client, personas, role):
    response = client.post("/api/v1/adverse-events", json={**_body(), "anonymous": True},
                           headers=_auth(personas[role].user))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["id"] and body["state"] == "declare" and "/suivi/" in body["follow_up_url"]
    path = body["follow_up_url"].split("://", 1)[1].split("/", 1)[1]
    assert "Déclaré" in client.get("/" + path).text


def test_a_named_declaration_answers_without_follow_up_url(client, personas, sent):
    response = client.post("/api/v1/adverse-events", json={**_body(), "anonymous": False},
                           headers=_auth(personas[Role.PROFESSIONAL].user))
    assert response.status_code == 201 and response.json["follow_up_url"] is None


def test_a_nir_answers_422_naming_the_field_and_what_was_found_and_stores_nothing(client, personas):
    headers = _auth(personas[Role.PROFESSIONAL].user)
    before = row_counts()
    response = client.post("/api/v1/adverse-events", json={**_body(description=f"Patient NIR {VALID_NIR}"),
                                                           "anonymous": True}, headers=headers)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "patient_data" and list(error["fields"]) == ["description"]
    assert "NIR" in error["fields"]["description"][0] and VALID_NIR in error["fields"]["description"][0]
    assert row_counts() == before


def test_a_malformed_body_answers_422_with_french_field_messages(client, personas):
    response = client.post("/api/v1/adverse-events", json={"anonymous": True, "severity": 9, "place": "lune"},
                           headers=_auth(personas[Role.PROFESSIONAL].user))
    assert response.status_code == 422
    assert {"severity", "place", "description", "occurred_on"} <= set(response.json["error"]["fields"])


def test_without_a_token_the_api_answers_401(client):
    assert client.post("/api/v1/adverse-events", json={**_body(), "anonymous": True}).status_code == 401
    assert client.get("/api/v1/adverse-events").status_code == 401


def test_a_professional_lists_and_reads_only_their_own_named_declarations(client, personas):
    me, other = personas[Role.PROFESSIONAL].user, personas[Role.CRISIS_CELL].user
    mine, theirs = declare(me).event, declare(other).event
    my_anonymous = declare(me, anonymous=True).event
    headers = _auth(me)
    listing = client.get("/api/v1/adverse-events", headers=headers).json
    assert [e["id"] for e in listing["items"]] == [mine.id] and listing["total"] == 1
    assert client.get(f"/api/v1/adverse-events/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/adverse-events/{theirs.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/adverse-events/{my_anonymous.id}", headers=headers).status_code == 404
    assert client.get("/api/v1/adverse-events/2147483647999", headers=headers).status_code == 404


def test_a_referent_lists_everything_with_filters(client, personas):
    author = personas[Role.PROFESSIONAL].user
    fall = declare(author, category="chute").event
    declare(None, anonymous=True, category="medicament")
    headers = _auth(personas[Role.QUALITY_REFERENT].user)
    assert client.get("/api/v1/adverse-events", headers=headers).json["total"] == 2
    filtered = client.get("/api/v1/adverse-events?category=chute", headers=headers).json
    assert [e["id"] for e in filtered["items"]] == [fall.id]
    assert client.get(f"/api/v1/adverse-events/{fall.id}", headers=headers).json["declarer_severity"] == 2


def test_a_referent_triages_through_the_transition_endpoint(client, personas):
    event = declare(personas[Role.PROFESSIONAL].user).event
    headers = _auth(personas[Role.QUALITY_REFERENT].user)
    response = client.post(f"/api/v1/adverse-events/{event.id}/transition", headers=headers,
                           json={"to": "rmm", "severity": 4, "likelihood": 3})
    assert response.status_code == 200, response.json
    assert response.json["state"] == "rmm" and response.json["criticality"] == 12
    assert response.json["declarer_severity"] == 2 and response.json["referent_severity"] == 4
    moved = client.post(f"/api/v1/adverse-events/{event.id}/transition", headers=headers, json={"to": "planifie"})
    assert moved.json["state"] == "planifie"


def test_an_invalid_transition_answers_409_with_a_clear_message_and_changes_nothing(client, personas):
    event = declare(personas[Role.PROFESSIONAL].user).event
    headers = _auth(personas[Role.QUALITY_REFERENT].user)
    response = client.post(f"/api/v1/adverse-events/{event.id}/transition", headers=headers,
                           json={"to": "cloture", "reason": "trop tôt"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invalid_transition"
    assert "« Déclaré »" in response.json["error"]["message"] and "En tri" in response.json["error"]["message"]
    db.session.expire_all()
    assert event.state is State.DECLARE


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_only_quality_referents_move_events(client, personas, role):
    event = declare(personas[role].user).event  # even their own declaration
    response = client.post(f"/api/v1/adverse-events/{event.id}/transition", headers=_auth(personas[role].user),
                           json={"to": "en_tri"})
    assert response.status_code == 403
    db.session.expire_all()
    assert event.state is State.DECLARE


def test_odd_search_and_text_input_never_reaches_a_500(client, personas):
    referent = _auth(personas[Role.QUALITY_REFERENT].user)
    assert client.get("/api/v1/adverse-events?q=ab%25_", headers=referent).status_code == 200
    # U+0000 is refused at the door for every route (crisis_app/core/bodies.py), naming the field
    nul_search = client.get("/api/v1/adverse-events?q=%00ab%25_", headers=referent)
    assert nul_search.status_code == 422 and "q" in nul_search.get_json()["error"]["fields"]
    response = client.post("/api/v1/adverse-events", headers=_auth(personas[Role.PROFESSIONAL].user),
                           json={**_body(description="avec un NUL \x00 dedans"), "anonymous": True})
    assert response.status_code == 422 and "description" in response.get_json()["error"]["fields"]
