"""A crisis as the ARS, the préfecture or the ministry qualified it."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis_app.core.db import TimestampMixin, db


class Typology(IntEnum):
    """The five typologies of the national outline."""

    OFFRE_DE_SOINS = 1
    NRC = 2
    AGENT_INFECTIEUX = 3
    PERSONNES_VULNERABLES = 4
    BLESSES = 5

    @property
    def label(self) -> str:
        return TYPOLOGY_LABELS[self]


TYPOLOGY_LABELS = {
    Typology.OFFRE_DE_SOINS: "Altération de l'offre de soins",
    Typology.NRC: "Patients atteints par un agent nucléaire, radiologique ou chimique (NRC)",
    Typology.AGENT_INFECTIEUX: "Patients atteints par un agent infectieux émergent",
    Typology.PERSONNES_VULNERABLES: "Prise en charge de malades, notamment personnes âgées",
    Typology.BLESSES: "Blessés somatiques ou psychiques",
}

GRADATIONS = (1, 2)


class Crisis(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    typology: Mapped[int] = mapped_column(sa.SmallInteger)
    gradation: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    is_exercise: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.CheckConstraint("typology BETWEEN 1 AND 5", name="typology_range"),
        sa.CheckConstraint("gradation IN (1, 2)", name="gradation_range"),
    )

    @property
    def active(self) -> bool:
        return self.closed_at is None

    @property
    def typology_label(self) -> str:
        return Typology(self.typology).label
