"""Stock API takes integers and booleans in their JSON types only, and refuses an empty PATCH."""

from __future__ import annotations

import pytest

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role


@pytest.fixture
def headers(personas) -> dict:
    token = auth_services.issue_token(actor=None, user=personas[Role.CRISIS_REFERENT].user)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("threshold", [2.58e-42, 1.5, "5", True, -1, 10**7])
def test_an_alert_threshold_is_a_whole_number_in_range(client, headers, threshold):
    response = client.post("/api/v1/stock/items", headers=headers,
                           json={"name": "Surblouses", "unit": "pièce", "alert_threshold": threshold})
    assert response.status_code == 422, response.text
    assert "alert_threshold" in response.get_json()["error"]["fields"]


def test_a_whole_threshold_is_stored_as_given(client, headers):
    response = client.post("/api/v1/stock/items", headers=headers,
                           json={"name": "Surblouses", "unit": "pièce", "alert_threshold": 40})
    assert response.status_code == 201 and response.get_json()["alert_threshold"] == 40


def test_an_item_patch_refuses_a_tiny_float_a_number_for_a_boolean_and_no_field(client, headers, shelf):
    url = f"/api/v1/stock/items/{shelf.masks.id}"
    for body in ({"alert_threshold": 2.58e-42}, {"active": 0}, {}):
        assert client.patch(url, headers=headers, json=body).status_code == 422, body
    assert client.patch(url, headers=headers).status_code in (400, 422)
    db.session.refresh(shelf.masks)
    assert shelf.masks.alert_threshold == 5 and shelf.masks.active


@pytest.mark.parametrize("field,value", [("quantity", 1.5), ("quantity", "3"), ("quantity", True),
                                         ("lot_id", "1"), ("lot_id", 1.0)])
def test_movement_numbers_are_json_integers(client, headers, shelf, field, value):
    body = {"kind": "distribution", "lot_id": shelf.lot.id, "quantity": 2, "structure": "EHPAD", field: value}
    response = client.post("/api/v1/stock/movements", headers=headers, json=body)
    assert response.status_code == 422, response.text
    db.session.refresh(shelf.lot)
    assert shelf.lot.quantity == 10


def test_the_openapi_document_says_which_movement_fields_each_kind_needs(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "inventaire → lot_id, counted, reason" in schemas["MovementCreate"]["description"]
    assert schemas["ItemUpdate"]["minProperties"] == 1
