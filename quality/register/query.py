"""Reading the register: filters, search and pagination done by the database; who may see which event."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.dialects.postgresql import REGCONFIG

from crisis_app.core.db import db
from crisis_app.core.models import User
from quality.register import reference as reference_code
from quality.register import rules
from quality.register.models import AdverseEvent, search_text
from quality.register.vocab import State

PAGE_SIZE = 50
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Page:
    rows: list[AdverseEvent]
    total: int
    page: int
    per_page: int
    # the page said "plus de 2 000": a search matched more events than it counts (total is then a floor)
    at_least: bool = False

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def may_manage(user: User) -> bool:
    return user.may("quality.manage")


def get_event_for_user(user: User, event_id: int) -> AdverseEvent:
    """The event if ``user`` may read it: referents read all; a declarer, their own named ones; else 404."""
    event = db.session.get(AdverseEvent, event_id) if 0 < event_id <= MAX_ID else None
    if event is None:
        abort(404)
    if may_manage(user):
        return event
    if event.anonymous or event.declarer_user_id != user.id:
        abort(404)  # 404, not 403: whether someone else declared this event is not told
    return event


def register_statement(filters: Mapping[str, Any], *, zones: rules.Zones) -> sa.Select:
    """The register filtered by state, category, severity, criticality zone, dates, place and a search text."""
    stmt = sa.select(AdverseEvent)
    for key in ("state", "category", "place", "severity"):
        if filters.get(key) not in (None, ""):
            stmt = stmt.where(getattr(AdverseEvent, key) == filters[key])
    if filters.get("to_triage"):
        stmt = stmt.where(AdverseEvent.state.in_(rules.TO_TRIAGE))
    bounds = zones.bounds(filters.get("zone") or "")
    if bounds:
        stmt = stmt.where(AdverseEvent.criticality.between(*bounds))
    if isinstance(filters.get("since"), date):
        stmt = stmt.where(AdverseEvent.occurred_on >= filters["since"])
    if isinstance(filters.get("until"), date):
        stmt = stmt.where(AdverseEvent.occurred_on <= filters["until"])
    if filters.get("declarer_user_id"):
        stmt = stmt.where(AdverseEvent.declarer_user_id == filters["declarer_user_id"],
                          AdverseEvent.anonymous.is_(False))
    search = (filters.get("q") or "").strip()
    if search:
        stmt = stmt.where(_search(search))
    return stmt.order_by(*REGISTER_ORDER)


# Newest first by the time received; an anonymous declaration keeps its day only (midnight), so it lists after the
# named ones of its day: its place says nothing of the moment it was made.
REGISTER_ORDER = (AdverseEvent.created_at.desc(), AdverseEvent.id.desc())


def _search(text: str):
    text = text.replace("\x00", "")  # PostgreSQL refuses NUL in a parameter
    key = reference_code.parse(text)
    words = search_words(text)
    if key is not None and 0 < key <= MAX_ID:
        # a reference (« EIAS-K3F7Q9 »); but a six-letter word may read as one too (« dosage »): both are sought
        by_reference = AdverseEvent.id == key
        if reference_code.PREFIX[:-1].lower() in text.lower():
            return by_reference
        return sa.or_(by_reference, _text_match(words)) if words else by_reference
    if not words:
        return sa.false()
    return _text_match(words)


def _text_match(words: list[str]):
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.literal_column("adverse_event.search_vector").op("@@")(_tsquery(words))
    fts = sa.table("adverse_event_fts", sa.column("rowid"))
    return AdverseEvent.id.in_(sa.select(fts.c.rowid).where(sa.text("adverse_event_fts MATCH :fts_query")
                                                           .bindparams(fts_query=fts5_query(words))))


MAX_WORDS = 12
_WORD = re.compile(r"[^\W_]+")


def search_words(text: str) -> list[str]:
    """The words of a typed search, folded as the stored texts are (search_text()); nothing else survives, so
    quotes, ``*``, ``-``, ``NEAR``, ``&``, ``:`` or ``!`` a user types are words or nothing, never query syntax."""
    return _WORD.findall(search_text(text)[:200])[:MAX_WORDS]


def _tsquery(words: list[str]):
    """Every word by its French stem; the last one, maybe still being typed, also as the start of a word.

    plainto_tsquery parses a word as text, never as operators; the prefix query only sees letters and digits.
    """
    query = None
    for n, word in enumerate(words):
        term = sa.func.plainto_tsquery(sa.literal("french", sa.String).cast(REGCONFIG), word)
        if n == len(words) - 1:
            prefix = sa.func.to_tsquery(sa.literal("simple", sa.String).cast(REGCONFIG), f"{word}:*")
            term = term.op("||")(prefix)
        query = term if query is None else query.op("&&")(term)
    return query


def fts5_query(words: list[str]) -> str:
    """FTS5 has no French stemmer: each word, plural mark dropped, matches as the start of a word ("chutes" →
    ``"chute"*`` finds chute and chutes). Every word is quoted, so none is read as an FTS5 operator."""
    return " ".join(f'"{_singular(w)}"*' for w in words)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" and not word.isdigit() else word


SEARCH_IDS_FIRST = 2_000


def register_slice(filters: Mapping[str, Any], *, zones: rules.Zones, limit: int, offset: int
                   ) -> tuple[list[AdverseEvent], int]:
    """``limit`` rows of the register from ``offset`` and the exact total matching the filters (the API's)."""
    rows, total, _ = _slice(filters, zones=zones, limit=limit, offset=offset, exact=True)
    return rows, total


def _slice(filters: Mapping[str, Any], *, zones: rules.Zones, limit: int, offset: int, exact: bool
           ) -> tuple[list[AdverseEvent], int, bool]:
    """Rows, total, and whether the total is only a floor.

    A text search first takes the matching ids from the full-text index (up to SEARCH_IDS_FIRST, in no order): when
    they are that few, they are the count and the page is read by primary key. Asked for the newest matches at once,
    PostgreSQL walks the date index hoping to meet them soon, and reads the whole table when a word is rare. When a
    search matches more, counting them exactly reads every matching row (90,000 for a common word: half a second);
    the page a person reads says "plus de 2 000" instead (``exact=False``), the API counts.
    """
    stmt = register_statement(filters, zones=zones)
    if (filters.get("q") or "").strip():
        ids = list(db.session.scalars(stmt.order_by(None).with_only_columns(AdverseEvent.id)
                                      .limit(SEARCH_IDS_FIRST + 1)))
        if len(ids) <= SEARCH_IDS_FIRST:
            rows = db.session.scalars(sa.select(AdverseEvent).where(AdverseEvent.id.in_(ids))
                                      .order_by(*REGISTER_ORDER).limit(limit).offset(offset)) if ids else []
            return list(rows), len(ids), False
        if not exact:
            return list(db.session.scalars(stmt.limit(limit).offset(offset))), len(ids), True
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return list(db.session.scalars(stmt.limit(limit).offset(offset))), total, False


def register(filters: Mapping[str, Any], *, zones: rules.Zones, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """One page of the register, as a person reads it (a search matching very many events is counted as "more
    than SEARCH_IDS_FIRST")."""
    rows, total, at_least = _slice(filters, zones=zones, limit=per_page, offset=(page - 1) * per_page, exact=False)
    return Page(rows=rows, total=total, page=page, per_page=per_page, at_least=at_least)


def count_to_triage() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AdverseEvent)
                             .where(AdverseEvent.state.in_(rules.TO_TRIAGE))) or 0


def eigs_deadlines(limit: int = 5) -> list[AdverseEvent]:
    """EIGS whose part 2 is still to send, nearest due date first."""
    return list(db.session.scalars(sa.select(AdverseEvent).where(
        AdverseEvent.is_eigs.is_(True), AdverseEvent.eigs_part2_sent_on.is_(None))
        .order_by(AdverseEvent.eigs_part2_due_on.is_(None), AdverseEvent.eigs_part2_due_on, AdverseEvent.id)
        .limit(limit)))


def own_declarations(user: User, limit: int = 100) -> list[AdverseEvent]:
    return list(db.session.scalars(sa.select(AdverseEvent).where(
        AdverseEvent.declarer_user_id == user.id, AdverseEvent.anonymous.is_(False))
        .order_by(*REGISTER_ORDER).limit(limit)))


def state_choices() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in State]
