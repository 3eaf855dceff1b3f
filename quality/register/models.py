"""Adverse events (EIAS): the declaration, its triage, its EIGS dates, what the declarer adds, the reminders.

An anonymous declaration keeps no trace of its author: ``declarer_user_id`` is NULL (a CHECK constraint
says so) and the follow-up secret is kept only as its SHA-256.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import db, random_key, str_enum, utcnow
from crisis_app.core.labels import label_of
from crisis_app.core.models import User
from quality.register import reference as reference_code
from quality.register import vocab
from quality.register.vocab import State


def search_text(*parts: str | None) -> str:
    """Texts folded for searching: lower case, accents and ligatures removed ("Sécurité", "securite" meet; so do
    "cœur" and "coeur"). The register's search folds the query with this same function."""
    text = " ".join(p for p in parts if p).casefold().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# The full-text index of search_text lives outside the mapped columns because it differs per engine (migration
# srch01): on PostgreSQL the generated tsvector column ``search_vector`` and its GIN index, on SQLite the FTS5 table
# ``adverse_event_fts`` (and its shadow tables) kept in step by triggers. quality.register.query reads them.
SEARCH_INDEX_OBJECTS = ("search_vector", "ix_adverse_event_search_vector", "adverse_event_fts")


class AdverseEvent(db.Model):
    """One declared EIAS, from the short form to its closure."""

    __tablename__ = "adverse_event"

    # drawn at random, as the reference it gives (see reference.py): no order of declaration to read from it
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False,
                                    default=random_key(reference_code.LOW, reference_code.HIGH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[State] = mapped_column(str_enum(State), default=State.DECLARE)

    # what happened (the short form)
    occurred_on: Mapped[date] = mapped_column(sa.Date, index=True)
    discovered_on: Mapped[date | None] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(24), index=True)
    professions: Mapped[list] = mapped_column(sa.JSON, default=list)
    nature: Mapped[str] = mapped_column(sa.String(24))
    reached_patient: Mapped[str] = mapped_column(sa.String(12))
    category: Mapped[str] = mapped_column(sa.String(24), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    immediate_measures: Mapped[str] = mapped_column(sa.Text)
    barrier: Mapped[str | None] = mapped_column(sa.Text)
    handover: Mapped[str | None] = mapped_column(sa.String(12))
    avoidability: Mapped[str | None] = mapped_column(sa.String(24))
    patient_informed: Mapped[str | None] = mapped_column(sa.String(12))
    patient_informed_on: Mapped[date | None] = mapped_column(sa.Date)
    patient_informed_by: Mapped[str | None] = mapped_column(sa.String(200))
    age_band: Mapped[str | None] = mapped_column(sa.String(12))
    sex: Mapped[str | None] = mapped_column(sa.String(12))
    # the free texts lower-cased and without accents, for the register's search (see search_text()); the
    # database's full-text index is built from it (see SEARCH_INDEX_OBJECTS)
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    # ratings: the declarer's and the referent's are both kept; severity and criticality are the effective ones
    declarer_severity: Mapped[int]
    declarer_likelihood: Mapped[int]
    referent_severity: Mapped[int | None]
    referent_likelihood: Mapped[int | None]
    severity: Mapped[int] = mapped_column(index=True)
    criticality: Mapped[int] = mapped_column(index=True)

    # who declared: nobody when anonymous
    anonymous: Mapped[bool] = mapped_column(default=False)
    declarer_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    follow_up_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # how many words the screen flagged the declarer marked as not a person (the words themselves are not kept)
    not_person_marks: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")

    # triage and its outcome
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("adverse_event.id", ondelete="SET NULL"))
    feedback: Mapped[str | None] = mapped_column(sa.Text)
    feedback_at: Mapped[datetime | None]

    # EIGS: part 1 without delay, part 2 within three months of part 1 (CSP R.1413-67 to -69)
    is_eigs: Mapped[bool] = mapped_column(default=False)
    eigs_part1_sent_on: Mapped[date | None] = mapped_column(sa.Date)
    eigs_part2_due_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    eigs_part2_sent_on: Mapped[date | None] = mapped_column(sa.Date)
    ars_reference: Mapped[str | None] = mapped_column(sa.String(60))

    declarer: Mapped[User | None] = relationship()
    duplicate_of: Mapped[AdverseEvent | None] = relationship(remote_side=[id])
    history: Mapped[list[AdverseEventStep]] = relationship(back_populates="event",
                                                           order_by="(AdverseEventStep.at, AdverseEventStep.id)")
    notes: Mapped[list[AdverseEventNote]] = relationship(back_populates="event",
                                                         order_by="(AdverseEventNote.at, AdverseEventNote.id)")

    __table_args__ = (
        sa.CheckConstraint("NOT anonymous OR declarer_user_id IS NULL", name="anonymous_has_no_declarer"),
        sa.CheckConstraint("declarer_severity BETWEEN 1 AND 5 AND declarer_likelihood BETWEEN 1 AND 5",
                           name="declarer_rating_range"),
        sa.CheckConstraint("(referent_severity IS NULL OR referent_severity BETWEEN 1 AND 5) AND "
                           "(referent_likelihood IS NULL OR referent_likelihood BETWEEN 1 AND 5)",
                           name="referent_rating_range"),
        sa.CheckConstraint("duplicate_of_id IS NULL OR duplicate_of_id <> id", name="not_own_duplicate"),
        sa.Index("ix_adverse_event_state_id", "state", "id"),
    )

    def refresh_search_text(self) -> None:
        self.search_text = search_text(self.description, self.immediate_measures, self.barrier, self.ars_reference)

    @property
    def reference(self) -> str:
        return reference_code.reference(self.id)

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def category_label(self) -> str:
        return label_of(vocab.Category, self.category)

    @property
    def place_label(self) -> str:
        return label_of(vocab.Place, self.place)

    @property
    def nature_label(self) -> str:
        return label_of(vocab.Nature, self.nature)

    @property
    def profession_labels(self) -> list[str]:
        return [label_of(vocab.Profession, p) for p in self.professions or []]

    @property
    def likelihood(self) -> int:
        return self.referent_likelihood or self.declarer_likelihood


class AdverseEventStep(db.Model):
    """One move of the state machine, with its reason (the referents' history of an event)."""

    __tablename__ = "adverse_event_step"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=random_key(1, 2**31))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("adverse_event.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_state: Mapped[State | None] = mapped_column(str_enum(State))
    to_state: Mapped[State] = mapped_column(str_enum(State))
    reason: Mapped[str | None] = mapped_column(sa.String(1000))
    actor_label: Mapped[str] = mapped_column(sa.String(254))

    event: Mapped[AdverseEvent] = relationship(back_populates="history")


class AdverseEventNote(db.Model):
    """Information added after the declaration, by its declarer (named or through the follow-up link)."""

    __tablename__ = "adverse_event_note"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=random_key(1, 2**31))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("adverse_event.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(sa.Text)
    # an anonymous declarer's note gets its audit row in the nightly batch, with the others of its day
    journaled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    event: Mapped[AdverseEvent] = relationship(back_populates="notes")


class QualitySettings(db.Model):
    """The coordinator's settings: the criticality zones and the public declaration link (one row)."""

    __tablename__ = "quality_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    acceptable_max: Mapped[int] = mapped_column(default=4)
    unacceptable_min: Mapped[int] = mapped_column(default=15)
    public_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    public_token_set_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("acceptable_max >= 1 AND acceptable_max < unacceptable_min AND unacceptable_min <= 25",
                           name="zones_ordered"),
    )
