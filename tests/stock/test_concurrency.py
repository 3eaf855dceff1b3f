"""Stock never goes negative, even when many people hand out the last boxes at the same moment.

Each thread has its own app context, session and connection, on committed data: the rolled-back
``db_session`` fixture would put every thread on one connection and prove nothing. Services join the caller's
unit of work, so each thread runs its distribution as a unit of its own, as each web request would.
"""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.roles import Role
from crisis_app.stock import services
from crisis_app.stock.models import StockItem, StockLocation, StockLot, StockMovement
from tests import factories

THREADS = 20
IN_STOCK = 7


def _require_postgres(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")


def _committed_lot(app) -> dict[str, int]:
    with app.app_context(), atomic():
        actor = factories.user(role=Role.CRISIS_CELL)
        tag = uuid.uuid4().hex[:8]
        item = services.create_item(actor=actor, name=f"Masques concurrence {tag}", unit="boîte")
        location = services.create_location(actor=actor, name=f"Local concurrence {tag}")
        lot_id = services.receive(actor=actor, item_id=item.id, location_id=location.id, quantity=IN_STOCK).lot_id
        return {"actor": actor.id, "item": item.id, "location": location.id, "lot": lot_id}


def _cleanup(app, ids: dict[str, int]) -> None:
    with app.app_context(), atomic():
        movement_ids = [str(i) for i in db.session.scalars(
            sa.select(StockMovement.id).where(StockMovement.lot_id == ids["lot"]))]
        db.session.execute(sa.delete(AuditEvent).where(sa.or_(
            AuditEvent.actor_id == ids["actor"],
            sa.and_(AuditEvent.object_type == "stock_movement", AuditEvent.object_id.in_(movement_ids)),
            sa.and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(ids["actor"])))))
        db.session.execute(sa.delete(StockMovement).where(StockMovement.lot_id == ids["lot"]))
        db.session.execute(sa.delete(StockLot).where(StockLot.id == ids["lot"]))
        db.session.execute(sa.delete(StockItem).where(StockItem.id == ids["item"]))
        db.session.execute(sa.delete(StockLocation).where(StockLocation.id == ids["location"]))
        db.session.execute(sa.delete(User).where(User.id == ids["actor"]))


@pytest.mark.postgres
def test_twenty_simultaneous_distributions_of_a_lot_of_seven_give_out_exactly_seven(app):
    _require_postgres(app)
    ids = _committed_lot(app)
    # Every thread waits here before touching the database, so none holds a pooled connection while
    # the others queue for one, and all of them race for the same row.
    start = threading.Barrier(THREADS, timeout=30)
    outcomes: list[str] = []
    lock = threading.Lock()

    def hand_out_one() -> None:
        with app.app_context():
            start.wait()
            try:
                with atomic(durable=True):
                    services.distribute(actor=db.session.get(User, ids["actor"]), lot_id=ids["lot"], quantity=1,
                                        structure="EHPAD Les Tilleuls")
                outcome = "ok"
            except ServiceError as exc:
                outcome = exc.message if exc.code == "insufficient_stock" else f"unexpected {exc.code}"
            with lock:
                outcomes.append(outcome)

    try:
        threads = [threading.Thread(target=hand_out_one) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(outcomes) == THREADS
        assert outcomes.count("ok") == IN_STOCK
        refusals = [o for o in outcomes if o != "ok"]
        assert all(o.startswith("Stock insuffisant : il reste 0 ") for o in refusals), refusals
        with app.app_context():
            assert db.session.get(StockLot, ids["lot"]).quantity == 0
            ledger = db.session.execute(sa.select(sa.func.sum(StockMovement.delta), sa.func.count())
                                        .where(StockMovement.lot_id == ids["lot"])).one()
            assert tuple(ledger) == (0, 1 + IN_STOCK)  # the reception and seven hand-outs
            audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "stock.distribution", AuditEvent.actor_id == ids["actor"]))
            assert audited == IN_STOCK
    finally:
        _cleanup(app, ids)
