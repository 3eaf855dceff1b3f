"""Stock pages: overview, ledger, the movement forms, items, locations, CSV exports, refusals per role."""

import html

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.stock import services
from crisis_app.stock.models import StockItem, StockLocation, StockLot, StockMovement
from tests.conftest import csrf_token, form_post

NO_STOCK = [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER]
READ_PAGES = ["/stock/", "/stock/mouvements", "/stock/export/stock.csv", "/stock/export/mouvements.csv"]
MANAGE_PAGES = ["/stock/reception", "/stock/sortie", "/stock/inventaire", "/stock/articles", "/stock/lieux"]


def _lot_quantity(lot_id: int) -> int:
    db.session.expire_all()
    return db.session.get(StockLot, lot_id).quantity


@pytest.mark.parametrize("role", NO_STOCK)
def test_roles_without_stock_access_are_refused_every_stock_page(client, personas, login, shelf, role):
    login(personas[role])
    for url in [*READ_PAGES, "/stock/distribution", *MANAGE_PAGES, f"/stock/articles/{shelf.masks.id}"]:
        assert client.get(url).status_code == 403, url
    # a valid CSRF token, so only the role can refuse it (without a token the CSRF check answers 400 first)
    token = csrf_token(client, "/mon-compte")
    assert client.post("/stock/controle", data={"csrf_token": token}).status_code == 403


def test_the_cellule_reads_and_distributes_but_does_not_manage(client, personas, login, shelf):
    login(personas[Role.CRISIS_CELL])
    for url in [*READ_PAGES, "/stock/distribution"]:
        assert client.get(url).status_code == 200, url
    for url in [*MANAGE_PAGES, f"/stock/articles/{shelf.masks.id}"]:
        assert client.get(url).status_code == 403, url
    response = form_post(client, "/stock/reception", {"item_id": shelf.masks.id, "location_id": shelf.local.id,
                                                      "quantity": 5}, token_from="/stock/distribution")
    assert response.status_code == 403 and _lot_quantity(shelf.lot.id) == 10


def test_overview_shows_what_is_where_and_what_expires(client, personas, login, shelf):
    login(personas[Role.CRISIS_CELL])
    page = html.unescape(client.get("/stock/").text)
    assert "Local CPTS — Toulouse" in page and "MSP Colomiers" in page and "Rien en stock ici." in page
    assert "Masques FFP2" in page and f"{shelf.lot.expires_on:%d/%m/%Y}" in page
    assert f'href="/stock/distribution?lot_id={shelf.lot.id}"' in page


def test_cellule_distributes_to_a_structure_from_the_form_and_the_overview_drops(client, personas, login, shelf):
    login(personas[Role.CRISIS_CELL])
    response = form_post(client, "/stock/distribution", {"lot_id": shelf.lot.id, "quantity": 3,
                                                         "structure": "EHPAD Les Tilleuls"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/stock/")
    assert _lot_quantity(shelf.lot.id) == 7
    ledger = html.unescape(client.get("/stock/mouvements?kind=distribution").text)
    assert "EHPAD Les Tilleuls" in ledger and "-3 → 7" in ledger


def test_distribution_form_refuses_more_than_the_lot_holds_with_409_and_the_french_message(
        client, personas, login, shelf):
    login(personas[Role.CRISIS_CELL])
    response = form_post(client, "/stock/distribution", {"lot_id": shelf.lot.id, "quantity": 11,
                                                         "structure": "EHPAD"})
    assert response.status_code == 409
    assert "Stock insuffisant : il reste 10 × boîte de 20" in html.unescape(response.text)
    assert _lot_quantity(shelf.lot.id) == 10


def test_bad_form_input_names_the_field_in_french_and_saves_nothing(client, personas, login, shelf):
    login(personas[Role.CRISIS_REFERENT])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement))
    response = form_post(client, "/stock/distribution", {"lot_id": shelf.lot.id, "quantity": "beaucoup"})
    assert response.status_code == 400 and "Nombre entier attendu." in response.text
    response = form_post(client, "/stock/distribution", {"lot_id": shelf.lot.id, "quantity": 2})
    assert response.status_code == 422
    assert "Indiquez le professionnel ou la structure" in html.unescape(response.text)
    response = form_post(client, "/stock/inventaire", {"lot_id": shelf.lot.id, "counted": 4, "reason": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.text
    response = form_post(client, "/stock/reception", {"item_id": "", "location_id": shelf.local.id,
                                                      "quantity": 2, "expires_on": "31/12/2026"})
    assert response.status_code == 400 and "Date invalide (AAAA-MM-JJ attendu)." in response.text
    response = form_post(client, "/stock/sortie", {"lot_id": shelf.lot.id, "kind": "vol", "quantity": 1,
                                                   "reason": "x"})
    assert response.status_code == 422 and "Sortie possible : perte ou péremption." in html.unescape(response.text)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == before


def test_referent_records_reception_write_off_and_inventory_from_the_forms(client, personas, login, shelf):
    login(personas[Role.CRISIS_REFERENT])
    assert form_post(client, "/stock/reception", {
        "item_id": shelf.gloves.id, "location_id": shelf.msp.id, "quantity": 12, "lot_number": "G-7",
        "expires_on": "2031-05-31"}).status_code == 302
    gloves = db.session.scalar(sa.select(StockLot).where(StockLot.item_id == shelf.gloves.id))
    assert (gloves.quantity, gloves.lot_number, str(gloves.expires_on)) == (12, "G-7", "2031-05-31")
    assert form_post(client, "/stock/sortie", {"lot_id": gloves.id, "kind": "perte", "quantity": 2,
                                               "reason": "Boîte déchirée"}).status_code == 302
    assert form_post(client, "/stock/inventaire", {"lot_id": gloves.id, "counted": 9,
                                                   "reason": "Inventaire trimestriel"}).status_code == 302
    assert _lot_quantity(gloves.id) == 9
    kinds = db.session.scalars(sa.select(StockMovement.kind).where(StockMovement.lot_id == gloves.id)
                               .order_by(StockMovement.id))
    assert [k.value for k in kinds] == ["reception", "perte", "inventaire"]


def test_coordinator_creates_items_and_locations_and_duplicates_are_refused(client, personas, login, shelf):
    login(personas[Role.COORDINATOR])
    assert form_post(client, "/stock/articles", {"name": "Oxymètres", "unit": "unité", "category": "diagnostic",
                                                 "alert_threshold": 4}).status_code == 302
    assert db.session.scalar(sa.select(StockItem).where(StockItem.name == "Oxymètres")).alert_threshold == 4
    duplicate = form_post(client, "/stock/articles", {"name": "Masques FFP2", "unit": "boîte", "category": "autre",
                                                      "alert_threshold": 0})
    assert duplicate.status_code == 409 and "existe déjà" in html.unescape(duplicate.text)
    assert form_post(client, "/stock/lieux", {"name": "Pharmacie relais — Blagnac"}).status_code == 302
    assert db.session.scalar(sa.select(StockLocation).where(StockLocation.name.like("Pharmacie%"))) is not None
    edit = form_post(client, f"/stock/articles/{shelf.gloves.id}", {"name": "Gants nitrile M", "unit": "boîte",
                                                                    "category": "protection", "alert_threshold": 3})
    assert edit.status_code == 302 and db.session.get(StockItem, shelf.gloves.id).name == "Gants nitrile M"
    assert client.get("/stock/articles/999999").status_code == 404


def test_csv_exports_are_semicolon_separated_with_french_headers(client, personas, login, shelf):
    services.distribute(actor=personas[Role.CRISIS_CELL].user, lot_id=shelf.lot.id, quantity=2,
                        structure="=HYPERLINK(\"x\")")
    login(personas[Role.CRISIS_CELL])
    stock = client.get("/stock/export/stock.csv")
    assert stock.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = stock.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Lieu;Article;Catégorie;Unité;Numéro de lot;Date de péremption;Quantité"
    assert lines[1].startswith("Local CPTS — Toulouse;Masques FFP2;Équipement de protection;boîte de 20;A1;")
    assert lines[1].endswith(";8")
    moves = client.get(f"/stock/export/mouvements.csv?kind=distribution&item_id={shelf.masks.id}")
    assert moves.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = moves.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].split(";")[:3] == ["Date", "Type", "Article"] and len(rows) == 2
    assert ";Distribution;Masques FFP2;" in rows[1] and ";-2;8;" in rows[1]
    assert "'=HYPERLINK" in rows[1]  # a typed formula stays text in a spreadsheet


def test_manual_check_from_the_overview_refreshes_the_warnings(client, personas, login, shelf):
    services.distribute(actor=personas[Role.CRISIS_CELL].user, lot_id=shelf.lot.id, quantity=8, structure="EHPAD")
    login(personas[Role.CRISIS_REFERENT])
    response = form_post(client, "/stock/controle", {}, token_from="/stock/")
    assert response.status_code == 302
    page = html.unescape(client.get("/stock/").text)
    assert "Contrôle effectué : 1\u00a0alerte." in page and "sous le seuil d'alerte (5)" in page
