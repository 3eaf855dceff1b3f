"""A crisis as the ARS, the préfecture or the ministry qualified it; its journal de bord, levels, cellule,
needs and retour d'expérience."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.services import actions_for
from crisis_app.actionplan.vocab import SourceKind
from crisis_app.core.db import TimestampMixin, db, str_enum, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.labels import LabelledStrEnum, label_of
from crisis_app.core.vocabulary import Gradation, Typology


class Authority(LabelledStrEnum):
    """Who qualified the crisis."""

    ARS = "ars", "ARS"
    PREFECTURE = "prefecture", "Préfecture"
    MINISTERE = "ministere", "Ministère de la santé"
    OTHER = "other", "Autre autorité"


class Crisis(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    typology: Mapped[int] = mapped_column(sa.SmallInteger, info={"labels": Typology})
    gradation: Mapped[int] = mapped_column(sa.SmallInteger, default=1, info={"labels": Gradation})
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    is_exercise: Mapped[bool] = mapped_column(default=False)
    authority: Mapped[str | None] = mapped_column(sa.String(24), info={"labels": Authority})
    authority_reference: Mapped[str | None] = mapped_column(sa.String(120))
    qualified_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    __table_args__ = (
        sa.CheckConstraint("typology BETWEEN 1 AND 5", name="typology_range"),
        sa.CheckConstraint("gradation IN (0, 1, 2)", name="gradation_range"),
    )

    @property
    def active(self) -> bool:
        return self.closed_at is None

    @property
    def typology_label(self) -> str:
        return label_of(Typology, self.typology)

    @property
    def gradation_label(self) -> str:
        return label_of(Gradation, self.gradation)

    @property
    def authority_label(self) -> str:
        return label_of(Authority, self.authority, "—")


class EntryKind(LabelledStrEnum):
    DECISION = "decision", "Décision"
    INFORMATION = "information", "Information reçue"
    ACTION = "action", "Action"
    COMMUNICATION = "communication", "Communication"
    LEVEL_CHANGE = "level_change", "Changement de niveau"
    ALERT = "alert", "Alerte"
    EQUIPMENT = "equipment", "Matériel distribué"
    CORRECTION = "correction", "Correction"


# what people write; the others are written by Vigie itself (levels, alerts, equipment)
WRITABLE_KINDS = (EntryKind.DECISION, EntryKind.INFORMATION, EntryKind.ACTION, EntryKind.COMMUNICATION,
                  EntryKind.CORRECTION)


class JournalEntry(db.Model):
    """One line of the journal de bord: append-only, chained to the previous line by its hash."""

    __tablename__ = "crisis_journal_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="RESTRICT"))
    seq: Mapped[int]
    at: Mapped[datetime]
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind))
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(sa.String(254))
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("crisis_journal_entry.id", ondelete="RESTRICT"))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    corrects: Mapped[JournalEntry | None] = relationship(remote_side=[id])

    __table_args__ = (sa.UniqueConstraint("crisis_id", "seq", name="one_seq"),)


# Append-only wherever the model is used (not only where the journal module happens to be imported).
@sa.event.listens_for(JournalEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise ServiceError("append_only", "Le journal de bord ne se modifie pas : ajoutez une correction.", status=409)


@sa.event.listens_for(JournalEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ServiceError("append_only", "Le journal de bord ne s'efface pas : ajoutez une correction.", status=409)


class LevelChange(db.Model):
    """A gradation change (opening and closing included): the crisis's timeline."""

    __tablename__ = "crisis_level_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_gradation: Mapped[int | None] = mapped_column(sa.SmallInteger, info={"labels": Gradation})
    to_gradation: Mapped[int | None] = mapped_column(sa.SmallInteger, info={"labels": Gradation})  # None: closed
    reason: Mapped[str] = mapped_column(sa.String(1000))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(sa.String(254))


class CellActivation(db.Model):
    """The cellule de crise called together: who was asked, through which alert."""

    __tablename__ = "crisis_cell_activation"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alert.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    members: Mapped[list[CellMember]] = relationship(cascade="all, delete-orphan", order_by="CellMember.id")


class CellMember(db.Model):
    __tablename__ = "crisis_cell_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    activation_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis_cell_activation.id", ondelete="CASCADE"),
                                               index=True)
    professional_id: Mapped[int | None] = mapped_column(sa.ForeignKey("professional.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(250))
    role: Mapped[str] = mapped_column(sa.String(120), default="")


class NeedStatus(LabelledStrEnum):
    IDENTIFIED = "identified", "Identifié"
    IN_PROGRESS = "in_progress", "En cours"
    MET = "met", "Couvert"
    DROPPED = "dropped", "Abandonné"


class Need(TimestampMixin, db.Model):
    """A health need created by the crisis (home visits for ALD patients, a vaccination site, a shortage…)."""

    __tablename__ = "crisis_need"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    detail: Mapped[str | None] = mapped_column(sa.String(1000))
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus), default=NeedStatus.IDENTIFIED)
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvaluationStatus(LabelledStrEnum):
    DRAFT = "draft", "Brouillon"
    VALIDATED = "validated", "Validée"
    SENT = "sent", "Envoyée"


class Evaluation(TimestampMixin, db.Model):
    """The retour d'expérience of one crisis: figures Vigie holds, what people wrote, its validation and sending."""

    __tablename__ = "crisis_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="CASCADE"), unique=True)
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    worked: Mapped[str] = mapped_column(sa.Text, default="")
    not_worked: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[EvaluationStatus] = mapped_column(str_enum(EvaluationStatus), default=EvaluationStatus.DRAFT)
    validated_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None]  # the outbox message that carried it
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    crisis: Mapped[Crisis] = relationship()

    @property
    def actions(self) -> list[CorrectiveAction]:
        """The actions decided, kept in the action plan (source: this crisis's RETEX), in the order decided."""
        if self.crisis_id is None:
            return []
        return actions_for(SourceKind.RETEX, self.crisis_id)


class SituationReport(TimestampMixin, db.Model):
    """A point de situation for the partners: composed from the run since the previous one, edited, then sent by
    e-mail (PDF attached) to the partner organisations chosen, and written in the journal."""

    __tablename__ = "crisis_situation_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    since: Mapped[datetime]
    gradation: Mapped[int] = mapped_column(sa.SmallInteger, info={"labels": Gradation})
    text: Mapped[str] = mapped_column(sa.Text)
    figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(sa.String(254))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None]  # the outbox message that carried it
    organisation_ids: Mapped[list] = mapped_column(sa.JSON, default=list)  # the partners it was sent to

    crisis: Mapped[Crisis] = relationship()

    __table_args__ = (sa.UniqueConstraint("crisis_id", "number", name="one_number"),)

    @property
    def sent(self) -> bool:
        return self.sent_at is not None


class PublicPage(db.Model):
    """The population's information page of a crisis, at an unguessable public address: what is happening (the
    référent's words), the plan's consignes, where to go. Published and withdrawn by the référent; no personal data."""

    __tablename__ = "crisis_public_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    crisis_id: Mapped[int] = mapped_column(sa.ForeignKey("crisis.id", ondelete="CASCADE"), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(43), unique=True)
    text: Mapped[str] = mapped_column(sa.Text)
    places: Mapped[str] = mapped_column(sa.Text, default="")  # the référent's list, one place per line
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_label: Mapped[str] = mapped_column(sa.String(254))

    crisis: Mapped[Crisis] = relationship()

    @property
    def live(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None
