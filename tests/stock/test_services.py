"""The ledger: every movement moves its lot's quantity, writes one ledger row and one audit row, or nothing."""

from datetime import date

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.crises import services as crisis_services
from crisis_app.stock import query, services
from crisis_app.stock.models import MovementKind, StockLot, StockMovement
from tests import factories


def _ledger_sum(lot_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(StockMovement.delta), 0))
                             .where(StockMovement.lot_id == lot_id))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_reception_into_a_known_lot_adds_to_it_and_a_new_lot_number_makes_a_new_lot(shelf, personas):
    actor = personas[Role.COORDINATOR].user
    again = services.receive(actor=actor, item_id=shelf.masks.id, location_id=shelf.local.id, quantity=5,
                             lot_number="A1", expires_on=shelf.lot.expires_on)
    other = services.receive(actor=actor, item_id=shelf.masks.id, location_id=shelf.local.id, quantity=3,
                             lot_number="B2", expires_on=date(2030, 1, 31))
    assert again.lot_id == shelf.lot.id and again.quantity_after == 15
    assert other.lot_id != shelf.lot.id and other.quantity_after == 3
    assert query.item_stock(shelf.masks).quantity == 18


def test_distribution_to_a_structure_lowers_the_lot_and_is_audited(shelf, personas):
    actor = personas[Role.CRISIS_CELL].user
    movement = services.distribute(actor=actor, lot_id=shelf.lot.id, quantity=4, structure="EHPAD Les Tilleuls")
    assert movement.kind is MovementKind.DISTRIBUTION and movement.delta == -4 and movement.quantity_after == 6
    assert db.session.get(StockLot, shelf.lot.id).quantity == 6 == _ledger_sum(shelf.lot.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "stock.distribution"))
    assert event.actor_id == actor.id and "EHPAD Les Tilleuls" in event.summary
    assert event.changes["quantity"] == [10, 6]


def test_distribution_to_a_professional_during_a_crisis_names_both(shelf, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    crisis = crisis_services.open_crisis(actor=referent, title="Épidémie de grippe", typology=3)
    pro = factories.professional(last_name="Durand", first_name="Léa")
    movement = services.distribute(actor=referent, lot_id=shelf.lot.id, quantity=2, professional_id=pro.id,
                                   crisis_id=crisis.id)
    rows, total = query.movements({"crisis_id": crisis.id, "professional_id": pro.id})
    assert total == 1 and rows[0].id == movement.id
    assert query.recipients_of(rows) == {pro.id: pro.display_name}


def test_distribution_beyond_the_stock_is_refused_in_french_and_changes_nothing(shelf, personas):
    movements_before, audit_before = _count(StockMovement), _count(AuditEvent)
    with pytest.raises(ServiceError) as refused:
        services.distribute(actor=personas[Role.CRISIS_CELL].user, lot_id=shelf.lot.id, quantity=11,
                            structure="MSP Colomiers")
    assert refused.value.status == 409 and refused.value.code == "insufficient_stock"
    assert refused.value.message.startswith("Stock insuffisant : il reste 10 ")
    assert refused.value.fields == {"quantity": [refused.value.message]}
    assert db.session.get(StockLot, shelf.lot.id).quantity == 10
    assert (_count(StockMovement), _count(AuditEvent)) == (movements_before, audit_before)


@pytest.mark.parametrize(("args", "field"), [
    ({"quantity": 1}, "structure"),
    ({"quantity": 0, "structure": "EHPAD"}, "quantity"),
    ({"quantity": -3, "structure": "EHPAD"}, "quantity"),
    ({"quantity": 1, "professional_id": 999_999}, "professional_id"),
    ({"quantity": 1, "structure": "EHPAD", "crisis_id": 999_999}, "crisis_id"),
])
def test_a_distribution_without_a_recipient_or_with_a_bad_value_names_the_field(shelf, personas, args, field):
    with pytest.raises(ServiceError) as refused:
        services.distribute(actor=personas[Role.CRISIS_CELL].user, lot_id=shelf.lot.id, **args)
    assert refused.value.status == 422 and field in refused.value.fields
    assert db.session.get(StockLot, shelf.lot.id).quantity == 10


def test_a_loss_needs_a_cause_and_an_expiry_write_off_does_not(shelf, personas):
    actor = personas[Role.CRISIS_REFERENT].user
    with pytest.raises(ServiceError) as refused:
        services.write_off(actor=actor, lot_id=shelf.lot.id, kind="perte", quantity=1, reason="  ")
    assert refused.value.fields["reason"] == ["Précisez la cause de la perte."]
    services.write_off(actor=actor, lot_id=shelf.lot.id, kind="perte", quantity=1, reason="Carton mouillé")
    services.write_off(actor=actor, lot_id=shelf.lot.id, kind="peremption", quantity=2)
    assert db.session.get(StockLot, shelf.lot.id).quantity == 7 == _ledger_sum(shelf.lot.id)
    assert _audit_actions()[-2:] == ["stock.perte", "stock.peremption"]


def test_inventory_sets_the_counted_quantity_and_logs_the_gap_with_its_reason(shelf, personas):
    actor = personas[Role.CRISIS_REFERENT].user
    with pytest.raises(ServiceError) as refused:
        services.count_inventory(actor=actor, lot_id=shelf.lot.id, counted=8, reason="")
    assert "motif" in refused.value.fields["reason"][0]
    movement = services.count_inventory(actor=actor, lot_id=shelf.lot.id, counted=8, reason="Comptage annuel")
    assert (movement.delta, movement.quantity_after, movement.reason) == (-2, 8, "Comptage annuel")
    services.count_inventory(actor=actor, lot_id=shelf.lot.id, counted=12, reason="Carton retrouvé")
    assert db.session.get(StockLot, shelf.lot.id).quantity == 12 == _ledger_sum(shelf.lot.id)


def test_record_movement_says_which_fields_each_kind_requires(shelf, personas):
    with pytest.raises(ServiceError) as refused:
        services.record_movement(actor=personas[Role.COORDINATOR].user, kind="inventaire", reason="x")
    assert set(refused.value.fields) == {"lot_id", "counted"}
    with pytest.raises(ServiceError) as refused:
        services.record_movement(actor=personas[Role.COORDINATOR].user, kind="reception", quantity=2)
    assert set(refused.value.fields) == {"item_id", "location_id"}


def test_item_names_are_unique_whatever_the_case_and_changes_are_audited(shelf, personas):
    actor = personas[Role.COORDINATOR].user
    with pytest.raises(ServiceError) as refused:
        services.create_item(actor=actor, name="masques ffp2", unit="boîte")
    assert refused.value.status == 409 and "existe déjà" in refused.value.message
    services.update_item(actor=actor, item=shelf.gloves, alert_threshold=12)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "stock.item.update"))
    assert event.changes == {"alert_threshold": [0, 12]}


def test_the_database_refuses_a_negative_lot_even_behind_the_services_back(shelf):
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.execute(sa.update(StockLot).where(StockLot.id == shelf.lot.id).values(quantity=-1))
