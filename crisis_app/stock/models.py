"""Equipment stock: items, storage locations, lots with their expiry, the movement ledger and the warnings."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.stock.units import handed_out_text

if TYPE_CHECKING:
    from crisis_app.directory.professionals.models import Professional


class MovementKind(LabelledStrEnum):
    RECEPTION = "reception", "Réception"
    DISTRIBUTION = "distribution", "Distribution"
    PERTE = "perte", "Perte"
    PEREMPTION = "peremption", "Péremption"
    INVENTAIRE = "inventaire", "Inventaire"


OUTGOING_KINDS = (MovementKind.DISTRIBUTION, MovementKind.PERTE, MovementKind.PEREMPTION)


class ItemCategory(LabelledStrEnum):
    PROTECTION = "protection", "Équipement de protection"
    HYGIENE = "hygiene", "Hygiène"
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    COMMUNICATION = "communication", "Communication"
    AUTRE = "autre", "Autre"


class StockItem(TimestampMixin, db.Model):
    """An article kept in stock (masques FFP2, gants…), counted in ``unit``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    category: Mapped[ItemCategory] = mapped_column(str_enum(ItemCategory), default=ItemCategory.AUTRE)
    unit: Mapped[str] = mapped_column(sa.String(40))
    alert_threshold: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # what one unit holds, when it is a pack: a « boîte de 20 » holds 20 « masque »
    pack_size: Mapped[int | None]
    pack_content: Mapped[str | None] = mapped_column(sa.String(40))

    lots: Mapped[list[StockLot]] = relationship(back_populates="item")

    __table_args__ = (sa.CheckConstraint("alert_threshold >= 0", name="threshold_positive"),)

    def handed_out_text(self, quantity: int) -> str:
        """« 20 boîtes de 20 = 400 masques »."""
        return handed_out_text(quantity, self.unit, self.pack_size, self.pack_content)


class StockLocation(TimestampMixin, db.Model):
    """Where equipment is stored (Local CPTS, MSP…)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    address: Mapped[str | None] = mapped_column(sa.String(250))
    active: Mapped[bool] = mapped_column(default=True)


class StockLot(TimestampMixin, db.Model):
    """A batch of one item at one location; ``quantity`` moves with each ledger row, in its transaction."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_item.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_location.id"), index=True)
    lot_number: Mapped[str | None] = mapped_column(sa.String(60))
    expires_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    quantity: Mapped[int] = mapped_column(default=0)

    item: Mapped[StockItem] = relationship(back_populates="lots")
    location: Mapped[StockLocation] = relationship()

    # The database itself refuses a negative stock, whatever a service does.
    __table_args__ = (sa.CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    @property
    def label(self) -> str:
        parts = [self.item.name, self.location.name]
        if self.lot_number:
            parts.append(f"lot {self.lot_number}")
        if self.expires_on:
            parts.append(f"exp. {self.expires_on:%d/%m/%Y}")
        return " — ".join(parts)


class StockMovement(db.Model):
    """One line of the ledger: ``delta`` is signed; a lot's quantity is the sum of its deltas."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[MovementKind] = mapped_column(str_enum(MovementKind), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_lot.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_item.id"), index=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_location.id"))
    delta: Mapped[int]
    quantity_after: Mapped[int]
    professional_id: Mapped[int | None] = mapped_column(sa.ForeignKey("professional.id", ondelete="SET NULL"),
                                                        index=True)
    structure: Mapped[str | None] = mapped_column(sa.String(200))
    crisis_id: Mapped[int | None] = mapped_column(sa.ForeignKey("crisis.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(sa.String(254))

    lot: Mapped[StockLot] = relationship()
    item: Mapped[StockItem] = relationship()
    location: Mapped[StockLocation] = relationship()
    professional: Mapped[Professional | None] = relationship()


class WarningKind(LabelledStrEnum):
    BELOW_THRESHOLD = "below_threshold", "Sous le seuil d'alerte"
    EXPIRING = "expiring", "Péremption proche"
    EXPIRED = "expired", "Périmé"


class StockWarning(db.Model):
    """What the last daily check found; replaced as a whole by each check."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[WarningKind] = mapped_column(str_enum(WarningKind))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_item.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stock_lot.id", ondelete="CASCADE"))
    tone: Mapped[str] = mapped_column(sa.String(8))  # warn | alert, as the home page's cards
    message: Mapped[str] = mapped_column(sa.String(300))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
