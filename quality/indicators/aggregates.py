"""The quality figures of a year as SQL aggregates: counts grouped in the database, never a year's rows loaded into
Python (a register holds tens of thousands of events). Each function is one or two statements."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.timez import paris_day_bounds
from quality.register.models import AdverseEvent, AdverseEventStep
from quality.register.vocab import State
from quality.sessions.models import QualitySession, QualityTheme, SessionParticipant, session_theme
from quality.sessions.vocab import ANALYSIS_GROUP_KINDS, SessionStatus


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return paris_day_bounds(date(year, 1, 1))[0], paris_day_bounds(date(year + 1, 1, 1))[0]


def _held(year: int) -> list:
    start, end = year_bounds(year)
    return [QualitySession.status == SessionStatus.HELD, QualitySession.starts_at >= start,
            QualitySession.starts_at < end, QualitySession.starts_at <= utcnow()]  # never a session still to come


def sessions_held_by_kind(year: int) -> dict[str, int]:
    rows = db.session.execute(sa.select(QualitySession.kind, sa.func.count()).where(*_held(year))
                              .group_by(QualitySession.kind))
    return {kind.value if hasattr(kind, "value") else kind: n for kind, n in rows}


def participants(year: int, kinds=ANALYSIS_GROUP_KINDS) -> int:
    """People who attended a held analysis group (CREX, RMM, patient traceur, practice group, complex case; not a
    training), each once: a directory person, else an account."""
    held = sa.select(QualitySession.id).where(*_held(year), QualitySession.kind.in_(list(kinds)))
    attended = sa.and_(SessionParticipant.session_id.in_(held), SessionParticipant.attended.is_(True))
    people = sa.select(sa.func.count(sa.distinct(SessionParticipant.professional_id))).where(
        attended, SessionParticipant.professional_id.is_not(None)).scalar_subquery()
    accounts = sa.select(sa.func.count(sa.distinct(SessionParticipant.user_id))).where(
        attended, SessionParticipant.professional_id.is_(None)).scalar_subquery()
    return db.session.scalar(sa.select(people + accounts)) or 0


def themes(year: int) -> list[str]:
    """The themes of the sessions held (a short list: distinct labels)."""
    return list(db.session.scalars(sa.select(QualityTheme.label).distinct()
                                   .join(session_theme, session_theme.c.theme_id == QualityTheme.id)
                                   .join(QualitySession, QualitySession.id == session_theme.c.session_id)
                                   .where(*_held(year)).order_by(QualityTheme.label)))


def _declared(year: int) -> list:
    start, end = year_bounds(year)
    return [AdverseEvent.created_at >= start, AdverseEvent.created_at < end]


def events_by(column, year: int) -> dict:
    rows = db.session.execute(sa.select(column, sa.func.count()).where(*_declared(year)).group_by(column)
                              .order_by(sa.func.count().desc(), column))
    return dict(rows.all())


def events_by_month(year: int) -> list[int]:
    """Twelve counts, by Paris month, in one statement."""
    bounds = [paris_day_bounds(date(year, m, 1))[0] for m in range(1, 13)] + [year_bounds(year)[1]]
    counts = [sa.func.count().filter(AdverseEvent.created_at >= bounds[m], AdverseEvent.created_at < bounds[m + 1])
              for m in range(12)]
    return [int(n or 0) for n in db.session.execute(sa.select(*counts).where(*_declared(year))).one()]


def _seconds_between(later, earlier):
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400


def triage_days_median(year: int) -> float | None:
    """Median days from declaration to the first move into triage: the middle one or two waits, read by offset."""
    first = (sa.select(AdverseEventStep.event_id, sa.func.min(AdverseEventStep.at).label("at"))
             .where(AdverseEventStep.to_state == State.EN_TRI).group_by(AdverseEventStep.event_id).subquery())
    wait = _seconds_between(first.c.at, AdverseEvent.created_at).label("wait")
    waits = sa.select(wait).join(first, first.c.event_id == AdverseEvent.id).where(*_declared(year))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(waits.subquery())) or 0
    if not count:
        return None
    middle = list(db.session.scalars(waits.order_by(wait).offset((count - 1) // 2).limit(2 - count % 2)))
    return round(sum(float(w) for w in middle) / len(middle) / 86400, 1)
