"""Every edit form of the stock, opened and saved untouched, leaves its object exactly as it was."""

from __future__ import annotations

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from tests.directory.htmlform import form_index, post_fields


def _row(table: str, object_id: int) -> dict:
    db.session.expire_all()
    row = db.session.execute(sa.text(f"SELECT * FROM {table} WHERE id = :id"), {"id": object_id}).mappings().one()
    return {k: v for k, v in row.items() if k not in ("updated_at", "created_at")}


def _save_untouched(client, url: str, marker: str):
    page = client.get(url)
    assert page.status_code == 200, url
    fields = post_fields(page.text, form_index(page.text, marker))
    assert len(fields) > 2
    return client.post(url, data=MultiDict(fields))


def _audited(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_items_saved_unchanged_are_unchanged_with_or_without_a_pack(client, personas, login, shelf):
    from crisis_app.stock import services

    services.update_item(actor=None, item=shelf.masks, pack_size=20, pack_content="masque")
    login(personas[Role.CRISIS_REFERENT])
    for item in (shelf.masks, shelf.gloves):
        before, audited = _row("stock_item", item.id), _audited("stock.item.update")
        response = _save_untouched(client, f"/stock/articles/{item.id}", 'name="unit"')
        assert response.status_code == 302, response.text
        assert _row("stock_item", item.id) == before
        assert _audited("stock.item.update") == audited


def test_a_location_saved_unchanged_is_unchanged(client, personas, login, shelf):
    from crisis_app.stock import services

    services.update_location(actor=None, location=shelf.msp, name="MSP Colomiers", address="2 rue du Lac, Colomiers")
    before, audited = _row("stock_location", shelf.msp.id), _audited("stock.location.update")
    login(personas[Role.CRISIS_REFERENT])
    response = _save_untouched(client, f"/stock/lieux/{shelf.msp.id}", 'name="address"')
    assert response.status_code == 302, response.text
    assert _row("stock_location", shelf.msp.id) == before
    assert _audited("stock.location.update") == audited


def test_a_location_is_renamed_from_its_page_and_audited(client, personas, login, shelf):
    login(personas[Role.COORDINATOR])
    url = f"/stock/lieux/{shelf.msp.id}"
    response = client.post(url, data={"name": "MSP de Colomiers", "address": "", "csrf_token": _token(client)})
    assert response.status_code == 302
    assert _row("stock_location", shelf.msp.id)["name"] == "MSP de Colomiers"
    assert _audited("stock.location.update") == 1


def test_the_cellule_may_not_edit_a_location(client, personas, login, shelf):
    login(personas[Role.CRISIS_CELL])
    url = f"/stock/lieux/{shelf.msp.id}"
    assert client.get(url).status_code == 403
    response = client.post(url, data={"name": "Autre nom", "address": "", "csrf_token": _token(client)})
    assert response.status_code == 403
    assert _row("stock_location", shelf.msp.id)["name"] == "MSP Colomiers"


def _token(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/mon-compte")
