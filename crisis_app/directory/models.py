"""Professionals, their consent to alerts, partner organisations and audiences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.directory.text_search import search_text
from crisis_app.directory.validation import national_id


class StructureType(StrEnum):
    CABINET = "cabinet"
    MSP = "msp"
    CENTRE_SANTE = "centre_sante"
    OFFICINE = "officine"
    EHPAD = "ehpad"
    SSIAD = "ssiad"
    ETABLISSEMENT = "etablissement"
    AUTRE = "autre"


STRUCTURE_LABELS = {
    StructureType.CABINET: "Cabinet", StructureType.MSP: "Maison de santé (MSP)",
    StructureType.CENTRE_SANTE: "Centre de santé", StructureType.OFFICINE: "Officine",
    StructureType.EHPAD: "EHPAD", StructureType.SSIAD: "SSIAD", StructureType.ETABLISSEMENT: "Établissement",
    StructureType.AUTRE: "Autre",
}


class CrisisRole(StrEnum):
    NONE = "none"
    REFERENT = "referent"
    SUPPLEANT = "suppleant"
    CELLULE = "cellule"


CRISIS_ROLE_LABELS = {
    CrisisRole.NONE: "—", CrisisRole.REFERENT: "Référent crise sanitaire",
    CrisisRole.SUPPLEANT: "Suppléant", CrisisRole.CELLULE: "Cellule de crise",
}


class Membership(StrEnum):
    MEMBER = "member"
    PARTNER = "partner"


MEMBERSHIP_LABELS = {Membership.MEMBER: "Membre de la CPTS", Membership.PARTNER: "Partenaire"}


class Channel(StrEnum):
    """Channels a professional consents to be alerted on."""

    SMS = "sms"
    EMAIL = "email"


CHANNEL_LABELS = {Channel.SMS: "SMS", Channel.EMAIL: "E-mail"}


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


class OrganisationKind(StrEnum):
    ARS = "ars"
    CPAM = "cpam"
    MSA = "msa"
    HOPITAL = "hopital"
    CPTS = "cpts"
    PREFECTURE = "prefecture"
    AUTRE = "autre"


ORGANISATION_LABELS = {
    OrganisationKind.ARS: "ARS", OrganisationKind.CPAM: "CPAM", OrganisationKind.MSA: "MSA",
    OrganisationKind.HOPITAL: "Établissement hospitalier", OrganisationKind.CPTS: "CPTS voisine",
    OrganisationKind.PREFECTURE: "Préfecture", OrganisationKind.AUTRE: "Autre",
}


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


class AudienceKind(StrEnum):
    FILTER = "filter"  # a saved search, resolved when the alert is sent
    LIST = "list"  # a fixed list of professionals


class Audience(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str | None] = mapped_column(sa.String(500))
    kind: Mapped[AudienceKind] = mapped_column(str_enum(AudienceKind, 12))
    criteria: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    for_exercises: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    members: Mapped[list[AudienceMember]] = relationship(back_populates="audience", cascade="all, delete-orphan")

    @property
    def criteria_summary(self) -> list[str]:
        """The saved filter in words (labels, never codes), for the pages that show it."""
        from crisis_app.directory.criteria import describe_criteria  # criteria imports this module

        return describe_criteria(self.criteria or {})


class AudienceMember(db.Model):
    audience_id: Mapped[int] = mapped_column(sa.ForeignKey("audience.id", ondelete="CASCADE"), primary_key=True)
    professional_id: Mapped[int] = mapped_column(sa.ForeignKey("professional.id", ondelete="CASCADE"),
                                                 primary_key=True, index=True)

    audience: Mapped[Audience] = relationship(back_populates="members")
    professional: Mapped[Professional] = relationship()


class ImportState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    PREVIEWED = "previewed"  # the dry run is done: waiting for the coordinator's confirmation
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


IMPORT_STATE_LABELS = {
    ImportState.QUEUED: "En attente", ImportState.RUNNING: "En cours", ImportState.PREVIEWED: "Aperçu prêt",
    ImportState.DONE: "Terminé", ImportState.FAILED: "Échec", ImportState.CANCELLED: "Annulé",
}


class DirectoryImport(TimestampMixin, db.Model):
    """An uploaded file on its way through an import run by a worker: dry run, confirmation, real run.

    The copy on disk (``stored_name``) lives only as long as the import needs it: it is deleted when the
    import ends, fails or is cancelled, and ``stored_name`` is then emptied.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12))  # annuaire | csv
    file_name: Mapped[str] = mapped_column(sa.String(200))  # as on the user's computer
    stored_name: Mapped[str | None] = mapped_column(sa.String(60))
    departements: Mapped[str] = mapped_column(sa.String(200), default="")
    communes: Mapped[str] = mapped_column(sa.String(500), default="")
    dry_run: Mapped[bool] = mapped_column(default=True)
    state: Mapped[ImportState] = mapped_column(str_enum(ImportState, 12), default=ImportState.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)  # percent of the file read by the current run
    message: Mapped[str | None] = mapped_column(sa.String(500))
    report: Mapped[dict | None] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]

    @property
    def state_label(self) -> str:
        return IMPORT_STATE_LABELS[self.state]
