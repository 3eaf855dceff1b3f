"""Partner organisations and their contacts: recipients of evaluations, never of mobilisation alerts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum
from crisis_app.core.labels import LabelledStrEnum


class OrganisationKind(LabelledStrEnum):
    ARS = "ars", "ARS"
    CPAM = "cpam", "CPAM"
    MSA = "msa", "MSA"
    HOPITAL = "hopital", "Établissement hospitalier"
    CPTS = "cpts", "CPTS voisine"
    PREFECTURE = "prefecture", "Préfecture"
    AUTRE = "autre", "Autre"


class Organisation(TimestampMixin, db.Model):
    """A partner or an external recipient: receives evaluations and information, never mobilisation alerts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind))
    receives_evaluations: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)

    contacts: Mapped[list[OrganisationContact]] = relationship(back_populates="organisation",
                                                               cascade="all, delete-orphan",
                                                               order_by="OrganisationContact.name")


class OrganisationContact(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    function: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(20))

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")
