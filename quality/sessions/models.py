"""CREX, RMM and patient-traceur sessions: participants, attendance, agenda and decisions, minutes; themes.

A session names its participants from the directory (or a user account); its agenda holds register events, shown
anonymised; the patient traceur's patient is a pseudonymous label, never a name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crisis_app.core.db import db, str_enum, utcnow
from crisis_app.core.models import User
from crisis_app.directory.professionals.models import Professional
from quality.sessions.vocab import Decision, SessionKind, SessionStatus

session_theme = sa.Table(
    "quality_session_theme", db.metadata,
    sa.Column("session_id", sa.ForeignKey("quality_session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("quality_theme.id", ondelete="CASCADE"), primary_key=True),
)


class QualityTheme(db.Model):
    """A theme the programme addresses (plaies chroniques, personne âgée…): a list the referents keep."""

    __tablename__ = "quality_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class QualitySession(db.Model):
    """One CREX, RMM, patient-traceur, practice-group, case-concertation or CRM-training meeting."""

    __tablename__ = "quality_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    lead_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[SessionStatus] = mapped_column(str_enum(SessionStatus), default=SessionStatus.SCHEDULED,
                                                  index=True)
    # the calendar identity: one UID for the session's whole life, SEQUENCE raised at each change sent
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    invited_at: Mapped[datetime | None]
    agenda_sent_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(sa.Text)  # the session's notes (screened), printed in the minutes
    # practice groups and case concertations: the situation discussed (never identifying the patient) and what
    # the group concluded; both screened, printed in the minutes
    case_summary: Mapped[str | None] = mapped_column(sa.Text)
    conclusions: Mapped[str | None] = mapped_column(sa.Text)
    # an occurrence of a series: its series and the start the rule gave it (its RECURRENCE-ID, kept when moved)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_session_series.id", ondelete="SET NULL"),
                                                  index=True)
    recurrence_at: Mapped[datetime | None]
    # the minutes' PDF is a core.documents document (quality.sessions.minutes_documents): established when, sent when
    minutes_at: Mapped[datetime | None]
    minutes_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    lead: Mapped[User | None] = relationship()
    participants: Mapped[list[SessionParticipant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionParticipant.id")
    items: Mapped[list[SessionItem]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                    order_by="SessionItem.position")
    themes: Mapped[list[QualityTheme]] = relationship(secondary=session_theme, order_by="QualityTheme.label")
    traceur: Mapped[PatientTraceur | None] = relationship(back_populates="session", cascade="all, delete-orphan")
    series: Mapped[SessionSeries | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration_range"),
        sa.CheckConstraint("sequence >= 0", name="sequence_positive"),
        sa.UniqueConstraint("series_id", "recurrence_at", name="uq_session_occurrence"),
    )

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def reference(self) -> str:
        return f"{self.kind.label} n° {self.id}"

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def present_count(self) -> int:
        return sum(1 for p in self.participants if p.attended)


class SessionParticipant(db.Model):
    """A person invited: a directory professional or a user account; ``attended`` is taken during the session."""

    __tablename__ = "quality_session_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_session.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int | None] = mapped_column(sa.ForeignKey("professional.id", ondelete="SET NULL"),
                                                        index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(254))
    profession: Mapped[str | None] = mapped_column(sa.String(120))
    attended: Mapped[bool | None]

    session: Mapped[QualitySession] = relationship(back_populates="participants")
    professional: Mapped[Professional | None] = relationship()
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("professional_id IS NOT NULL OR user_id IS NOT NULL", name="someone"),
        sa.UniqueConstraint("session_id", "professional_id", name="uq_participant_professional"),
        sa.UniqueConstraint("session_id", "user_id", name="uq_participant_user"),
    )

    @property
    def person_key(self) -> str:
        """One person across sessions (a professional, else an account): counted once in the indicators."""
        return f"p{self.professional_id}" if self.professional_id else f"u{self.user_id}"


class SessionItem(db.Model):
    """One register event on a session's agenda, and what the session decided about it."""

    __tablename__ = "quality_session_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_session.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("adverse_event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    decision: Mapped[Decision | None] = mapped_column(str_enum(Decision))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    pilot_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    session: Mapped[QualitySession] = relationship(back_populates="items")
    pilot: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("session_id", "event_id", name="uq_session_item_event"),)

    @property
    def decision_label(self) -> str:
        return self.decision.label if self.decision else ""


class PatientTraceur(db.Model):
    """A patient traceur: the pathway of one patient, known only by a pseudonymous label, with their agreement."""

    __tablename__ = "quality_patient_traceur"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_session.id", ondelete="CASCADE"), unique=True)
    label: Mapped[str] = mapped_column(sa.String(40))
    agreement_on: Mapped[date] = mapped_column(sa.Date)
    agreement_how: Mapped[str] = mapped_column(sa.String(24))
    interview_summary: Mapped[str | None] = mapped_column(sa.Text)
    animateur_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    patient_feedback: Mapped[str | None] = mapped_column(sa.Text)

    session: Mapped[QualitySession] = relationship(back_populates="traceur")
    animateur: Mapped[User | None] = relationship()
    steps: Mapped[list[TraceurStep]] = relationship(back_populates="traceur", cascade="all, delete-orphan",
                                                    order_by="TraceurStep.position")


class TraceurStep(db.Model):
    """One step of the rebuilt pathway; an interface between settings, and the gap against a procedure."""

    __tablename__ = "quality_traceur_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    traceur_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_patient_traceur.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    when: Mapped[str | None] = mapped_column(sa.String(60))  # "J0", "semaine 2"…: relative, never a birth date
    setting: Mapped[str] = mapped_column(sa.String(24))
    description: Mapped[str] = mapped_column(sa.Text)
    interface_with: Mapped[str | None] = mapped_column(sa.String(24))
    procedure: Mapped[str | None] = mapped_column(sa.String(300))
    gap: Mapped[str | None] = mapped_column(sa.Text)

    traceur: Mapped[PatientTraceur] = relationship(back_populates="steps")


class SessionSeries(db.Model):
    """A recurring session ("le 2e mardi de chaque mois, 12 h 30"): an RFC 5545 RRULE from a first Paris date and
    time; its occurrences are ordinary sessions created some months ahead (``series_id``, ``recurrence_at``)."""

    __tablename__ = "quality_session_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SessionKind] = mapped_column(str_enum(SessionKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    rrule: Mapped[str] = mapped_column(sa.String(200))  # e.g. FREQ=MONTHLY;BYDAY=+2TU (no DTSTART, no UNTIL)
    first_at: Mapped[datetime]  # the first occurrence, UTC; its Paris wall time is the series' time
    until: Mapped[date | None] = mapped_column(sa.Date)  # last Paris day, included
    duration_minutes: Mapped[int] = mapped_column(default=90)
    place: Mapped[str | None] = mapped_column(sa.String(300))
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    lead_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    invited_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lead: Mapped[User | None] = relationship()
    members: Mapped[list[SeriesMember]] = relationship(back_populates="series", cascade="all, delete-orphan",
                                                       order_by="SeriesMember.id")
    themes: Mapped[list[QualityTheme]] = relationship(secondary="quality_series_theme",
                                                      order_by="QualityTheme.label")

    __table_args__ = (sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="series_duration_range"),)

    @property
    def kind_label(self) -> str:
        return self.kind.label


series_theme = sa.Table(
    "quality_series_theme", db.metadata,
    sa.Column("series_id", sa.ForeignKey("quality_session_series.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("quality_theme.id", ondelete="CASCADE"), primary_key=True),
)


class SeriesMember(db.Model):
    """Who every occurrence of a series invites: a directory professional or a user account."""

    __tablename__ = "quality_series_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_session_series.id", ondelete="CASCADE"),
                                           index=True)
    professional_id: Mapped[int | None] = mapped_column(sa.ForeignKey("professional.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    series: Mapped[SessionSeries] = relationship(back_populates="members")

    __table_args__ = (sa.CheckConstraint("professional_id IS NOT NULL OR user_id IS NOT NULL",
                                         name="series_member_someone"),)
