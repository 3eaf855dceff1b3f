"""The demo stock goes through the services: ledger, lots and audit agree; one item is low, one lot expires soon."""

import random

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.stock import demo, query
from crisis_app.stock.models import MovementKind, StockLot, StockMovement, StockWarning, WarningKind
from tests import factories


def test_demo_stock_is_consistent_and_shows_a_low_item_and_a_lot_near_expiry(db_session):
    factories.professional()
    factories.professional()
    summary = demo.seed(random.Random(31))
    assert summary[0].startswith("Stock : 10 articles, 3 lieux")
    assert len(query.item_stocks()) == 10 and len(query.locations()) == 3
    for lot in db.session.scalars(sa.select(StockLot)):
        ledger = db.session.scalar(sa.select(sa.func.sum(StockMovement.delta)).where(StockMovement.lot_id == lot.id))
        assert lot.quantity == ledger
    movements = db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement))
    audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                .where(AuditEvent.object_type == "stock_movement"))
    assert movements == audited > 10
    kinds = {(w.kind, w.message.split(" ")[0]) for w in db.session.scalars(sa.select(StockWarning))}
    assert (WarningKind.BELOW_THRESHOLD, "Oxymètres") in kinds and (WarningKind.EXPIRING, "Solution") in kinds
    handed = db.session.scalars(sa.select(StockMovement).where(StockMovement.kind == MovementKind.DISTRIBUTION)).all()
    assert any(m.professional_id for m in handed) and any(m.structure for m in handed)


def test_demo_stock_without_professionals_gives_to_structures_and_runs_once(db_session):
    demo.seed(random.Random(31))
    assert demo.seed(random.Random(31)) == ["Stock : déjà présent, rien d'ajouté"]
    handed = db.session.scalars(sa.select(StockMovement).where(StockMovement.kind == MovementKind.DISTRIBUTION)).all()
    assert handed and all(m.structure and m.professional_id is None for m in handed)
