"""Stock API: items with quantities, locations, movements of every kind, refusals per role."""

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.stock.models import StockLot, StockMovement

NO_STOCK = [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER]
NOT_MANAGERS = [Role.CRISIS_CELL, *NO_STOCK]


@pytest.fixture
def bearer(personas):
    def _headers(role: Role) -> dict[str, str]:
        token = auth_services.issue_token(actor=None, user=personas[role].user)
        return {"Authorization": f"Bearer {token}"}
    return _headers


def test_items_list_carries_current_quantities_and_threshold_state(client, bearer, shelf):
    body = client.get("/api/v1/stock/items", headers=bearer(Role.CRISIS_CELL)).get_json()
    by_name = {i["name"]: i for i in body["items"]}
    assert body["total"] == 2
    assert (by_name["Masques FFP2"]["quantity"], by_name["Masques FFP2"]["below_threshold"]) == (10, False)
    assert (by_name["Gants nitrile"]["quantity"], by_name["Gants nitrile"]["below_threshold"]) == (0, False)


def test_item_create_read_and_patch(client, bearer):
    headers = bearer(Role.CRISIS_REFERENT)
    created = client.post("/api/v1/stock/items", headers=headers, json={
        "name": "Tests antigéniques", "unit": "boîte de 25", "category": "diagnostic", "alert_threshold": 8})
    assert created.status_code == 201 and created.get_json()["quantity"] == 0
    item_id = created.get_json()["id"]
    assert client.get(f"/api/v1/stock/items/{item_id}", headers=headers).get_json()["below_threshold"] is True
    patched = client.patch(f"/api/v1/stock/items/{item_id}", headers=headers, json={"alert_threshold": 0})
    assert patched.status_code == 200 and patched.get_json()["below_threshold"] is False
    assert client.get("/api/v1/stock/items/987654", headers=headers).status_code == 404
    assert client.get(f"/api/v1/stock/items/{2**40}", headers=headers).status_code == 404


def test_item_validation_and_duplicates_use_the_error_format(client, bearer, shelf):
    headers = bearer(Role.COORDINATOR)
    bad = client.post("/api/v1/stock/items", headers=headers, json={"name": "", "unit": "x", "alert_threshold": -1})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"name", "alert_threshold"}
    dup = client.post("/api/v1/stock/items", headers=headers, json={"name": "Masques FFP2", "unit": "boîte"})
    assert dup.status_code == 409 and dup.get_json()["error"]["code"] == "conflict"
    nul = client.post("/api/v1/stock/locations", headers=headers, json={"name": "Local\x00"})
    assert nul.status_code == 422 and "name" in nul.get_json()["error"]["fields"]


def test_locations_list_and_create(client, bearer, shelf):
    created = client.post("/api/v1/stock/locations", headers=bearer(Role.COORDINATOR),
                          json={"name": "Pharmacie relais", "address": "8 place de la Mairie, Blagnac"})
    assert created.status_code == 201 and created.get_json()["active"] is True
    names = [loc["name"] for loc in client.get("/api/v1/stock/locations", headers=bearer(Role.CRISIS_CELL))
             .get_json()["items"]]
    assert names == ["Local CPTS — Toulouse", "MSP Colomiers", "Pharmacie relais"]


def test_every_movement_kind_through_the_api_keeps_lot_and_ledger_in_step(client, bearer, shelf):
    headers = bearer(Role.CRISIS_REFERENT)
    posted = [client.post("/api/v1/stock/movements", headers=headers, json=body) for body in (
        {"kind": "reception", "item_id": shelf.masks.id, "location_id": shelf.local.id, "quantity": 5,
         "lot_number": "A1", "expires_on": str(shelf.lot.expires_on)},
        {"kind": "distribution", "lot_id": shelf.lot.id, "quantity": 4, "structure": "SSIAD du Muretain"},
        {"kind": "perte", "lot_id": shelf.lot.id, "quantity": 1, "reason": "Boîte abîmée"},
        {"kind": "peremption", "lot_id": shelf.lot.id, "quantity": 1},
        {"kind": "inventaire", "lot_id": shelf.lot.id, "counted": 6, "reason": "Recomptage"},
    )]
    assert [r.status_code for r in posted] == [201] * 5
    assert [r.get_json()["quantity_after"] for r in posted] == [15, 11, 10, 9, 6]
    assert posted[1].get_json()["item_name"] == "Masques FFP2" and posted[1].get_json()["lot_number"] == "A1"
    assert client.get(f"/api/v1/stock/movements?lot_id={shelf.lot.id}", headers=headers).get_json()["total"] == 6
    ledger = client.get(f"/api/v1/stock/movements?item_id={shelf.masks.id}&kind=distribution", headers=headers)
    assert ledger.get_json()["total"] == 1 and ledger.get_json()["items"][0]["structure"] == "SSIAD du Muretain"
    assert db.session.get(StockLot, shelf.lot.id).quantity == 6 == db.session.scalar(
        sa.select(sa.func.sum(StockMovement.delta)).where(StockMovement.lot_id == shelf.lot.id))


def test_insufficient_stock_is_a_409_with_the_structured_error(client, bearer, shelf):
    response = client.post("/api/v1/stock/movements", headers=bearer(Role.CRISIS_CELL),
                           json={"kind": "distribution", "lot_id": shelf.lot.id, "quantity": 25, "structure": "EHPAD"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "insufficient_stock"
    assert error["message"].startswith("Stock insuffisant : il reste 10 × boîte de 20 de « Masques FFP2 »")
    assert error["fields"] == {"quantity": [error["message"]]}
    assert db.session.get(StockLot, shelf.lot.id).quantity == 10


def test_a_movement_missing_what_its_kind_needs_is_a_422_naming_the_fields(client, bearer, shelf):
    response = client.post("/api/v1/stock/movements", headers=bearer(Role.COORDINATOR),
                           json={"kind": "distribution", "quantity": 2})
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"lot_id"}


@pytest.mark.parametrize("role", NO_STOCK)
def test_roles_without_stock_access_are_refused_every_endpoint(client, bearer, shelf, role):
    headers = bearer(role)
    for url in ("/api/v1/stock/items", f"/api/v1/stock/items/{shelf.masks.id}", "/api/v1/stock/locations",
                "/api/v1/stock/movements"):
        assert client.get(url, headers=headers).status_code == 403, url
    assert client.post("/api/v1/stock/movements", headers=headers, json={
        "kind": "distribution", "lot_id": shelf.lot.id, "quantity": 1, "structure": "EHPAD"}).status_code == 403


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_managers_create_items_locations_or_record_non_distribution_movements(client, bearer, shelf, role):
    headers = bearer(role)
    assert client.post("/api/v1/stock/items", headers=headers, json={"name": "X", "unit": "u"}).status_code == 403
    assert client.patch(f"/api/v1/stock/items/{shelf.masks.id}", headers=headers,
                        json={"alert_threshold": 1}).status_code == 403
    assert client.post("/api/v1/stock/locations", headers=headers, json={"name": "Y"}).status_code == 403
    for body in ({"kind": "reception", "item_id": shelf.masks.id, "location_id": shelf.local.id, "quantity": 1},
                 {"kind": "perte", "lot_id": shelf.lot.id, "quantity": 1, "reason": "x"},
                 {"kind": "inventaire", "lot_id": shelf.lot.id, "counted": 0, "reason": "x"}):
        assert client.post("/api/v1/stock/movements", headers=headers, json=body).status_code == 403
    assert db.session.get(StockLot, shelf.lot.id).quantity == 10


def test_the_cellule_distributes_through_the_api(client, bearer, shelf):
    response = client.post("/api/v1/stock/movements", headers=bearer(Role.CRISIS_CELL),
                           json={"kind": "distribution", "lot_id": shelf.lot.id, "quantity": 2, "structure": "MSP"})
    assert response.status_code == 201 and response.get_json()["delta"] == -2


def test_a_duplicate_location_name_differing_in_accented_case_is_a_409_not_a_500(client, bearer, shelf):
    """SQLite's lower() leaves "É" alone, so the name check misses it and the unique index must answer."""
    headers = bearer(Role.COORDINATOR)
    first = client.post("/api/v1/stock/locations", headers=headers, json={"name": "École Jean Jaurès"})
    assert first.status_code == 201
    again = client.post("/api/v1/stock/locations", headers=headers, json={"name": "École Jean Jaurès"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
