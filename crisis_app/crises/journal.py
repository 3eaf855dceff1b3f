"""The journal de bord: append-only, time-stamped, tamper-evident (each entry chained to the previous one)."""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.crises.chain import GENESIS, entry_hash
from crisis_app.crises.models import WRITABLE_KINDS, Crisis, EntryKind, JournalEntry

MAX_TEXT = 5000


def _content(entry: JournalEntry) -> dict:
    kind = entry.kind.value if isinstance(entry.kind, EntryKind) else entry.kind
    return {"crisis_id": entry.crisis_id, "seq": entry.seq, "at": entry.at, "kind": kind, "text": entry.text,
            "author_id": entry.author_id, "author_label": entry.author_label, "corrects_id": entry.corrects_id}


def _lock_head(crisis_id: int) -> JournalEntry | None:
    """Lock the crisis row, then read the last entry: two writers never chain onto the same head.

    PostgreSQL: ``SELECT … FOR UPDATE`` on the crisis makes the second writer wait for the first one's commit.
    SQLite: the app's transactions start with BEGIN IMMEDIATE, so writers are already one at a time. The unique
    (crisis_id, seq) constraint stays behind both as the last guard.
    """
    db.session.execute(sa.select(Crisis.id).where(Crisis.id == crisis_id).with_for_update())
    return db.session.scalar(sa.select(JournalEntry).where(JournalEntry.crisis_id == crisis_id)
                             .order_by(JournalEntry.seq.desc()).limit(1))


def append(*, crisis: Crisis, actor: User | None, kind: EntryKind | str, text: str,
           corrects: JournalEntry | None = None) -> JournalEntry:
    """Add an entry to the caller's transaction (no commit): Vigie's own lines and people's lines alike."""
    head = _lock_head(crisis.id)
    entry = JournalEntry(crisis_id=crisis.id, seq=(head.seq + 1) if head else 1, at=utcnow(),
                         kind=EntryKind(kind), text=text[:MAX_TEXT],
                         author_id=actor.id if actor else None,
                         author_label=(actor.full_name or actor.email) if actor else audit.SYSTEM_LABEL,
                         corrects_id=corrects.id if corrects else None, prev_hash=head.hash if head else GENESIS)
    entry.hash = entry_hash(entry.prev_hash, **_content(entry))
    db.session.add(entry)
    db.session.flush()
    return entry


def validate_entry(*, crisis: Crisis, kind: str, text: str, corrects_id: int | None) -> JournalEntry | None:
    """Check what a person writes; returns the corrected entry, if any. Raises ServiceError (422)."""
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = ["Le texte est obligatoire."]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"{MAX_TEXT} caractères au plus."]
    if kind not in {k.value for k in WRITABLE_KINDS}:
        errors["kind"] = ["Nature d'entrée inconnue (décision, information reçue, action, communication, "
                          "correction)."]
    corrected = None
    if corrects_id is not None:
        corrected = db.session.get(JournalEntry, corrects_id)
        if corrected is None or corrected.crisis_id != crisis.id:
            errors["corrects"] = ["L'entrée à corriger n'existe pas dans ce journal."]
    if kind == EntryKind.CORRECTION.value and corrects_id is None:
        errors["corrects"] = ["Une correction désigne l'entrée qu'elle corrige."]
    if errors:
        raise ServiceError("validation_error", "Entrée invalide : corrigez les champs signalés.", fields=errors)
    return corrected


@atomic()
def write(*, actor: User, crisis: Crisis, kind: str, text: str, corrects_id: int | None = None) -> JournalEntry:
    """A person writes in the journal (a closed crisis's journal is closed too); written with its audit row."""
    if not crisis.active:
        raise ServiceError("crisis_closed", "Cette crise est close : son journal ne reçoit plus d'entrée.",
                           status=409)
    corrected = validate_entry(crisis=crisis, kind=kind, text=text, corrects_id=corrects_id)
    if corrected is not None:
        kind = EntryKind.CORRECTION.value
    entry = append(crisis=crisis, actor=actor, kind=kind, text=text.strip(), corrects=corrected)
    audit.record(actor=actor, action="crisis.journal_entry", object_type="crisis", object_id=crisis.id,
                 summary=f"Journal de bord ({entry.kind.label}) : {entry.text[:300]}",
                 changes={"entry": [None, entry.id]})
    return entry


def entries(crisis: Crisis, *, after_seq: int = 0, limit: int | None = None) -> list[JournalEntry]:
    """Entries in chain order (oldest first), from ``after_seq`` on."""
    query = (sa.select(JournalEntry).where(JournalEntry.crisis_id == crisis.id, JournalEntry.seq > after_seq)
             .order_by(JournalEntry.seq))
    return list(db.session.scalars(query.limit(limit)))


def first_broken(crisis_id: int) -> JournalEntry | None:
    """The first entry whose hash, link to the previous entry or position does not hold; None when intact."""
    expected_prev, expected_seq = GENESIS, 1
    query = sa.select(JournalEntry).where(JournalEntry.crisis_id == crisis_id).order_by(JournalEntry.seq)
    for entry in db.session.scalars(query.execution_options(populate_existing=True)):
        if (entry.seq != expected_seq or entry.prev_hash != expected_prev
                or entry_hash(entry.prev_hash, **_content(entry)) != entry.hash):
            return entry
        expected_prev, expected_seq = entry.hash, expected_seq + 1
    return None


def counts_by_kind(crisis: Crisis) -> dict[str, int]:
    rows = db.session.execute(sa.select(JournalEntry.kind, sa.func.count()).where(JournalEntry.crisis_id == crisis.id)
                              .group_by(JournalEntry.kind))
    return {kind.value if isinstance(kind, EntryKind) else kind: n for kind, n in rows}

