"""A small stock built through the services: two items, two locations, one lot of FFP2 masks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from crisis_app.core.db import utcnow
from crisis_app.core.roles import Role
from crisis_app.stock import services
from crisis_app.stock.models import StockItem, StockLocation, StockLot


@dataclass
class Shelf:
    masks: StockItem
    gloves: StockItem
    local: StockLocation
    msp: StockLocation
    lot: StockLot  # 10 boxes of FFP2 masks at the local, expiring in a year


@pytest.fixture
def shelf(db_session, personas) -> Shelf:
    actor = personas[Role.CRISIS_REFERENT].user
    masks = services.create_item(actor=actor, name="Masques FFP2", unit="boîte de 20", category="protection",
                                 alert_threshold=5)
    gloves = services.create_item(actor=actor, name="Gants nitrile", unit="boîte de 100", category="protection")
    local = services.create_location(actor=actor, name="Local CPTS — Toulouse")
    msp = services.create_location(actor=actor, name="MSP Colomiers")
    movement = services.receive(actor=actor, item_id=masks.id, location_id=local.id, quantity=10,
                                lot_number="A1", expires_on=utcnow().date() + timedelta(days=365))
    return Shelf(masks=masks, gloves=gloves, local=local, msp=msp, lot=movement.lot)
