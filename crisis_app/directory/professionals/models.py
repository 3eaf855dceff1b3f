"""Professionals and their consent to alerts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.directory.professionals.text_search import search_text
from crisis_app.directory.validation import national_id


class StructureType(LabelledStrEnum):
    CABINET = "cabinet", "Cabinet"
    MSP = "msp", "Maison de santé (MSP)"
    CENTRE_SANTE = "centre_sante", "Centre de santé"
    OFFICINE = "officine", "Officine"
    EHPAD = "ehpad", "EHPAD"
    SSIAD = "ssiad", "SSIAD"
    ETABLISSEMENT = "etablissement", "Établissement"
    AUTRE = "autre", "Autre"


class CrisisRole(LabelledStrEnum):
    NONE = "none", "—"
    REFERENT = "referent", "Référent crise sanitaire"
    SUPPLEANT = "suppleant", "Suppléant"
    CELLULE = "cellule", "Cellule de crise"


class Membership(LabelledStrEnum):
    MEMBER = "member", "Membre de la CPTS"
    PARTNER = "partner", "Partenaire"


class Channel(LabelledStrEnum):
    """Channels a professional consents to be alerted on."""

    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"


UNSHARED_MOBILE = "active AND NOT mobile_shared AND mobile_phone IS NOT NULL"


class Professional(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    rpps: Mapped[str | None] = mapped_column(sa.String(11), unique=True)
    adeli: Mapped[str | None] = mapped_column(sa.String(9), unique=True)
    civility: Mapped[str | None] = mapped_column(sa.String(16))
    last_name: Mapped[str] = mapped_column(sa.String(120), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(120))
    profession_code: Mapped[str] = mapped_column(sa.String(8), index=True)
    profession: Mapped[str] = mapped_column(sa.String(120))
    specialty: Mapped[str | None] = mapped_column(sa.String(200))
    practice_mode: Mapped[str | None] = mapped_column(sa.String(60))
    structure_name: Mapped[str | None] = mapped_column(sa.String(200))
    structure_type: Mapped[StructureType | None] = mapped_column(str_enum(StructureType))
    commune_code: Mapped[str | None] = mapped_column(sa.String(5), index=True)
    commune_name: Mapped[str | None] = mapped_column(sa.String(120))
    postal_code: Mapped[str | None] = mapped_column(sa.String(5))
    mobile_phone: Mapped[str | None] = mapped_column(sa.String(20))
    # a mobile several active entries hold (a practice's, a switchboard's): only the coordinator sets it, and every
    # holder of the number carries it (directory.professionals.services.check_mobile); an SMS reply from it cannot
    # say who answered by the number alone
    mobile_shared: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    structure_phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # Where the contact details came from: a value the CPTS typed is never blanked by an import.
    mobile_phone_source: Mapped[str] = mapped_column(sa.String(12), default="manual")
    email_source: Mapped[str] = mapped_column(sa.String(12), default="manual")
    crisis_role: Mapped[CrisisRole] = mapped_column(str_enum(CrisisRole), default=CrisisRole.NONE)
    membership: Mapped[Membership] = mapped_column(str_enum(Membership), default=Membership.MEMBER)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    unavailable_until: Mapped[datetime | None]
    availability_note: Mapped[str | None] = mapped_column(sa.String(300))
    confirmed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"),
                                                unique=True)
    # names without accents, numbers, phones in national form: what a search compares (kept by _fill_search_text)
    search_text: Mapped[str] = mapped_column(sa.String(700), default="")

    tags: Mapped[list[ProfessionalTag]] = relationship(back_populates="professional", cascade="all, delete-orphan",
                                                       order_by="ProfessionalTag.tag")
    consents: Mapped[list[AlertConsent]] = relationship(back_populates="professional",
                                                        cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("rpps IS NOT NULL OR adeli IS NOT NULL", name="has_identifier"),
        # two active entries never share a mobile that is not marked shared, even when saved at the same moment
        sa.Index("uq_professional_mobile_unshared", "mobile_phone", unique=True,
                 sqlite_where=sa.text(UNSHARED_MOBILE), postgresql_where=sa.text(UNSHARED_MOBILE)),
    )

    @property
    def national_id(self) -> str | None:
        return national_id(self.rpps, self.adeli)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        return f"{self.civility + ' ' if self.civility else ''}{self.full_name}"

    @property
    def skill_list(self) -> list[str]:
        return [t.tag for t in self.tags]

    def consent_for(self, channel: Channel | str) -> AlertConsent | None:
        return next((c for c in self.consents if c.channel == Channel(channel)), None)

    def reachable_on(self, channel: Channel | str) -> bool:
        """Active, with a contact for the channel and a consent that is in force."""
        channel = Channel(channel)
        contact = self.mobile_phone if channel is Channel.SMS else self.email
        consent = self.consent_for(channel)
        return self.active and bool(contact) and consent is not None and consent.granted


SEARCHED_FIELDS = ("first_name", "last_name", "rpps", "adeli", "mobile_phone", "structure_phone", "email")


@sa.event.listens_for(Professional, "before_insert")
@sa.event.listens_for(Professional, "before_update")
def _fill_search_text(mapper, connection, professional: Professional) -> None:
    """Every write path (forms, API, imports, demo) leaves the search text in step with the entry."""
    professional.search_text = search_text(**{f: getattr(professional, f) for f in SEARCHED_FIELDS})


class ProfessionalTag(db.Model):
    """A skill or tag (vaccination, soins palliatifs, urgence psychiatrique…), lower-case."""

    professional_id: Mapped[int] = mapped_column(sa.ForeignKey("professional.id", ondelete="CASCADE"),
                                                 primary_key=True)
    tag: Mapped[str] = mapped_column(sa.String(60), primary_key=True, index=True)

    professional: Mapped[Professional] = relationship(back_populates="tags")


class AlertConsent(db.Model):
    """The consent in force for one channel; every change is in the audit trail."""

    professional_id: Mapped[int] = mapped_column(sa.ForeignKey("professional.id", ondelete="CASCADE"),
                                                 primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 12), primary_key=True)
    granted: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(sa.String(120))  # how it was given: formulaire papier, en ligne…

    professional: Mapped[Professional] = relationship(back_populates="consents")


class ContactField(LabelledStrEnum):
    MOBILE = "mobile_phone", "mobile"
    EMAIL = "email", "adresse e-mail"


class ContactChange(db.Model):
    """A new mobile or e-mail a professional typed for their own entry, waiting for the code sent to it: nothing
    reaches the entry before the code is typed (directory.professionals.contact_changes)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[int] = mapped_column(sa.ForeignKey("professional.id", ondelete="CASCADE"))
    field: Mapped[ContactField] = mapped_column(str_enum(ContactField, length=16))
    new_value: Mapped[str] = mapped_column(sa.String(254))
    nonce: Mapped[str] = mapped_column(sa.String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    professional: Mapped[Professional] = relationship()

    __table_args__ = (sa.UniqueConstraint("professional_id", "field"),)
