"""Stock units: each lot's unit beside the quantity, « 20 boîtes de 20 = 400 masques » in the confirmation,
and the recipient picked by name, profession and commune, or among partner organisations."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.stock import services
from crisis_app.stock.models import StockMovement
from crisis_app.stock.units import handed_out_text, plural
from tests import factories
from tests.conftest import form_post


def _text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
def masks_in_boxes(shelf):
    services.update_item(actor=None, item=shelf.masks, pack_size=20, pack_content="masque")
    return shelf


@pytest.mark.parametrize("quantity,unit,size,content,text", [
    (20, "boîte de 20", 20, "masque", "20 boîtes de 20 = 400 masques"),
    (1, "boîte de 20", 20, "masque", "1 boîte de 20 = 20 masques"),
    (3, "flacon de 500 mL", None, None, "3 flacons de 500 mL"),
    (2, "paire", None, None, "2 paires"),
    (4, "unité", None, None, "4 unités"),
    (2, "boîte de 100", 100, "gants", "2 boîtes de 100 = 200 gants"),
])
def test_quantities_are_said_with_their_unit_in_french(quantity, unit, size, content, text):
    assert handed_out_text(quantity, unit, size, content) == text


def test_plural_leaves_words_ending_in_s_x_or_z_alone():
    assert plural("colis", 3) == "colis" and plural("boîte", 1) == "boîte" and plural("", 4) == ""


def test_the_distribution_form_says_the_unit_beside_the_quantity(client, personas, login, masks_in_boxes):
    login(personas[Role.CRISIS_CELL])
    page = _text(client.get(f"/stock/distribution?lot_id={masks_in_boxes.lot.id}"))
    assert '<span id="quantity-unit" data-testid="quantity-unit">× boîte de 20</span>' in page
    assert 'data-unit="boîte de 20"' in page and 'data-pack-size="20"' in page and 'data-pack-content="masque"' in page
    assert "10 boîtes de 20 disponibles" in page
    assert "js/stock-distribution.js" in page


def test_the_confirmation_says_boxes_and_what_they_hold(client, personas, login, masks_in_boxes):
    login(personas[Role.CRISIS_CELL])
    response = form_post(client, "/stock/distribution", {"lot_id": masks_in_boxes.lot.id, "quantity": 2,
                                                         "structure": "EHPAD Les Tilleuls"})
    assert response.status_code == 302
    overview = _text(client.get("/stock/"))
    assert ("Distribution enregistrée. 2 boîtes de 20 = 40 masques de « Masques FFP2 » remis à EHPAD Les Tilleuls."
            in overview)
    summary = db.session.scalar(sa.select(AuditEvent.summary).where(AuditEvent.action == "stock.distribution"))
    assert "2 boîtes de 20 = 40 masques" in summary


def test_a_refused_quantity_keeps_the_unit_and_what_it_meant(client, personas, login, masks_in_boxes):
    login(personas[Role.CRISIS_CELL])
    response = form_post(client, "/stock/distribution", {"lot_id": masks_in_boxes.lot.id, "quantity": 20,
                                                         "structure": "EHPAD"})
    page = _text(response)
    assert response.status_code == 409
    assert 'data-testid="quantity-total" aria-live="polite">20 boîtes de 20 = 400 masques<' in page


def test_recipients_show_profession_and_commune_and_namesakes_their_number(client, personas, login, shelf):
    a = factories.professional(first_name="Mehdi", last_name="Masson", profession_code="60", profession="Infirmier",
                               commune_code="31555", commune_name="Toulouse")
    b = factories.professional(first_name="Mehdi", last_name="Masson", profession_code="60", profession="Infirmier",
                               commune_code="31069", commune_name="Blagnac")
    c = factories.professional(first_name="Mehdi", last_name="Masson", profession_code="60", profession="Infirmier",
                               commune_code="31069", commune_name="Blagnac")
    org = factories.organisation(name="EHPAD Les Tilleuls", kind="autre")
    login(personas[Role.CRISIS_CELL])
    page = _text(client.get("/stock/distribution"))
    assert f'<option value="p:{a.id}">Masson Mehdi — Infirmier — Toulouse</option>' in page
    assert f'<option value="p:{b.id}">Masson Mehdi — Infirmier — Blagnac — RPPS {b.rpps}</option>' in page
    assert f"RPPS {c.rpps}" in page
    assert '<optgroup label="Organisations partenaires">' in page and f'value="o:{org.id}"' in page
    assert 'id="recipient-search" type="search"' in page


def test_a_partner_organisation_receives_equipment_from_the_form(client, personas, login, shelf):
    org = factories.organisation(name="EHPAD Les Tilleuls", kind="autre")
    login(personas[Role.CRISIS_CELL])
    response = form_post(client, "/stock/distribution", {"lot_id": shelf.lot.id, "quantity": 1,
                                                         "recipient": f"o:{org.id}"})
    assert response.status_code == 302
    movement = db.session.scalar(sa.select(StockMovement).where(StockMovement.delta == -1))
    assert movement.structure == "EHPAD Les Tilleuls" and movement.professional_id is None


def test_a_professional_picked_in_the_list_is_recorded(client, personas, login, shelf):
    pro = factories.professional()
    login(personas[Role.CRISIS_CELL])
    response = form_post(client, "/stock/distribution", {"lot_id": shelf.lot.id, "quantity": 1,
                                                         "recipient": f"p:{pro.id}"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(StockMovement.professional_id).where(StockMovement.delta == -1)) == pro.id


def test_an_unknown_or_double_recipient_is_refused_and_nothing_moves(db_session, shelf):
    org = factories.organisation()
    with pytest.raises(ServiceError) as caught:
        services.distribute(actor=None, lot_id=shelf.lot.id, quantity=1, organisation_id=999_999)
    assert "organisation_id" in caught.value.fields
    with pytest.raises(ServiceError) as caught:
        services.distribute(actor=None, lot_id=shelf.lot.id, quantity=1, organisation_id=org.id, structure="x")
    assert "organisation_id" in caught.value.fields
    db.session.refresh(shelf.lot)
    assert shelf.lot.quantity == 10


def test_the_api_takes_an_organisation_and_items_carry_their_pack(client, personas, shelf):
    token = auth_services.issue_token(actor=None, user=personas[Role.CRISIS_REFERENT].user)
    headers = {"Authorization": f"Bearer {token}"}
    org = factories.organisation(name="CPTS voisine")
    response = client.post("/api/v1/stock/movements", headers=headers, json={
        "kind": "distribution", "lot_id": shelf.lot.id, "quantity": 1, "organisation_id": org.id})
    assert response.status_code == 201 and response.get_json()["structure"] == "CPTS voisine"
    created = client.post("/api/v1/stock/items", headers=headers, json={
        "name": "Gants vinyle", "unit": "boîte de 100", "pack_size": 100, "pack_content": "gant"})
    assert created.status_code == 201 and created.get_json()["pack_size"] == 100
    half = client.post("/api/v1/stock/items", headers=headers, json={"name": "Blouses", "unit": "paquet",
                                                                    "pack_size": 10})
    assert half.status_code == 422 and "pack_content" in half.get_json()["error"]["fields"]


def test_items_take_their_pack_from_the_form_and_give_it_back(client, personas, login, shelf):
    login(personas[Role.CRISIS_REFERENT])
    response = form_post(client, f"/stock/articles/{shelf.gloves.id}", {
        "name": "Gants nitrile", "unit": "boîte de 100", "category": "protection", "alert_threshold": 0,
        "pack_size": "100", "pack_content": "gant"})
    assert response.status_code == 302
    db.session.refresh(shelf.gloves)
    assert (shelf.gloves.pack_size, shelf.gloves.pack_content) == (100, "gant")
    response = form_post(client, f"/stock/articles/{shelf.gloves.id}", {
        "name": "Gants nitrile", "unit": "boîte de 100", "category": "protection", "alert_threshold": 0,
        "pack_size": "", "pack_content": ""})
    assert response.status_code == 302
    db.session.refresh(shelf.gloves)
    assert (shelf.gloves.pack_size, shelf.gloves.pack_content) == (None, None)
