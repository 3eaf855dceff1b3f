"""Reading the stock: totals per item, lots per location, the ledger with its filters, the warnings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from crisis_app.core import crisis_context
from crisis_app.core.db import db
from crisis_app.directory.organisations.models import Organisation
from crisis_app.directory.professionals.models import Professional
from crisis_app.stock.models import StockItem, StockLocation, StockLot, StockMovement, StockWarning

DEFAULT_EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class ItemStock:
    item: StockItem
    quantity: int

    @property
    def below_threshold(self) -> bool:
        return self.item.alert_threshold > 0 and self.quantity < self.item.alert_threshold

    def as_dict(self) -> dict[str, Any]:
        """The item with its current quantity, as the API shows it."""
        fields = ("id", "name", "category", "unit", "alert_threshold", "active", "pack_size", "pack_content",
                  "created_at")
        return {**{f: getattr(self.item, f) for f in fields}, "quantity": self.quantity,
                "below_threshold": self.below_threshold}


def _totals() -> sa.Select:
    total = sa.func.coalesce(sa.func.sum(StockLot.quantity), 0)
    return sa.select(StockItem, total).outerjoin(StockLot, StockLot.item_id == StockItem.id).group_by(StockItem.id)


def item_stocks(*, include_inactive: bool = True) -> list[ItemStock]:
    """Every item with its quantity summed over locations and lots, by name."""
    stmt = _totals().order_by(StockItem.name)
    if not include_inactive:
        stmt = stmt.where(StockItem.active.is_(True))
    return [ItemStock(item, int(qty)) for item, qty in db.session.execute(stmt)]


def item_stock(item: StockItem) -> ItemStock:
    qty = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(StockLot.quantity), 0))
                            .where(StockLot.item_id == item.id))
    return ItemStock(item, int(qty or 0))


def lots(*, in_stock_only: bool = True, location_id: int | None = None) -> list[StockLot]:
    """Lots by location, item and expiry (earliest first, undated last)."""
    stmt = (sa.select(StockLot).join(StockLot.item).join(StockLot.location)
            .options(joinedload(StockLot.item), joinedload(StockLot.location))
            .order_by(StockLocation.name, StockItem.name, StockLot.expires_on.is_(None), StockLot.expires_on,
                      StockLot.id))
    if in_stock_only:
        stmt = stmt.where(StockLot.quantity > 0)
    if location_id is not None:
        stmt = stmt.where(StockLot.location_id == location_id)
    return list(db.session.scalars(stmt))


def lots_by_location() -> list[tuple[StockLocation, list[StockLot]]]:
    """Each location with the lots it holds (empty locations included)."""
    held: dict[int, list[StockLot]] = {}
    for lot in lots():
        held.setdefault(lot.location_id, []).append(lot)
    return [(loc, held.get(loc.id, [])) for loc in locations()]


def expiring_lots(*, today: date, days: int) -> list[StockLot]:
    """Lots still holding something that expire within ``days`` (or already have), soonest first."""
    return sorted((lot for lot in lots() if lot.expires_on and lot.expires_on <= today + timedelta(days=days)),
                  key=lambda lot: lot.expires_on)


def locations(*, include_inactive: bool = False) -> list[StockLocation]:
    stmt = sa.select(StockLocation).order_by(StockLocation.name)
    if not include_inactive:
        stmt = stmt.where(StockLocation.active.is_(True))
    return list(db.session.scalars(stmt))


def movement_statement(filters: Mapping[str, Any]) -> sa.Select:
    """The ledger filtered by item, lot, location, kind, crisis or professional; newest first."""
    stmt = sa.select(StockMovement)
    for key in ("item_id", "lot_id", "location_id", "kind", "crisis_id", "professional_id"):
        if filters.get(key) is not None:
            stmt = stmt.where(getattr(StockMovement, key) == filters[key])
    return stmt.order_by(StockMovement.at.desc(), StockMovement.id.desc())


def movements(filters: Mapping[str, Any], *, limit: int = 100, offset: int = 0) -> tuple[list[StockMovement], int]:
    stmt = movement_statement(filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.options(joinedload(StockMovement.item), joinedload(StockMovement.location),
                                           joinedload(StockMovement.lot)).limit(limit).offset(offset))
    return list(rows), total or 0


def recipients_of(rows: list[StockMovement]) -> dict[int, str]:
    """Display names of the professionals named in ``rows``, by id."""
    ids = {m.professional_id for m in rows if m.professional_id}
    if not ids:
        return {}
    return {p.id: p.display_name for p in db.session.scalars(sa.select(Professional).where(Professional.id.in_(ids)))}


def crises() -> list[crisis_context.CrisisInfo]:
    """Crises and exercises, most recent first, for the movement forms and filters."""
    return crisis_context.all_crises()


def professionals() -> list[Professional]:
    """Active professionals of the directory, for the distribution form."""
    return list(db.session.scalars(sa.select(Professional).where(Professional.active.is_(True))
                                   .order_by(Professional.last_name, Professional.first_name)))


def organisations() -> list[Organisation]:
    """Active partner organisations, by name, for the distribution form."""
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.active.is_(True))
                                   .order_by(Organisation.name)))


def lot(lot_id: int) -> StockLot | None:
    return db.session.get(StockLot, lot_id) if 1 <= lot_id <= 2**31 - 1 else None


def warnings() -> list[StockWarning]:
    """What the last daily check found, alerts first."""
    return list(db.session.scalars(sa.select(StockWarning).order_by(StockWarning.tone, StockWarning.id)))
