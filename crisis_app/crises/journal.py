"""The journal de bord: append-only, time-stamped, tamper-evident (each entry chained to the previous one under a key
kept outside the database, and its head witnessed outside it: see ``chain``)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from crisis_app.core import audit, audit_labels
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.crises import chain
from crisis_app.crises.chain import GENESIS
from crisis_app.crises.models import WRITABLE_KINDS, Crisis, EntryKind, JournalEntry

MAX_TEXT = 5000
audit_labels.register_labels(actions={"crisis.journal_rechained": "Journal de bord scellé avec la clé"})


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
    entry.hash = chain.keyed_hash(chain.journal_key(), entry.prev_hash, corrects_seq=corrects.seq if corrects else None,
                                  **_content(entry))
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


@dataclass(frozen=True)
class Break:
    """Where and why the chain does not hold."""

    entry: JournalEntry
    reason: str
    legacy: bool = False  # the chain holds by the first rule (no key) up to here: `crisis rechain` never ran


def _seq_by_id(crisis_id: int) -> dict[int, int]:
    """Each entry's position by its row id (what a correction's link is hashed as)."""
    return dict(db.session.execute(sa.select(JournalEntry.id, JournalEntry.seq)
                                   .where(JournalEntry.crisis_id == crisis_id)).all())


def check_chain(crisis_id: int, *, key: bytes | None = None) -> Break | None:
    """The first entry whose position, link to the previous entry or keyed hash does not hold; None when intact."""
    key = key or chain.journal_key()
    expected_prev, expected_seq = GENESIS, 1
    query = sa.select(JournalEntry).where(JournalEntry.crisis_id == crisis_id).order_by(JournalEntry.seq)
    seq_of = _seq_by_id(crisis_id)
    for entry in db.session.scalars(query.execution_options(populate_existing=True)):
        if entry.seq != expected_seq:
            return Break(entry, f"numéro {entry.seq} au lieu de {expected_seq} : entrée(s) supprimée(s) ou déplacée(s)")
        if entry.prev_hash != expected_prev:
            return Break(entry, "ne suit plus l'entrée précédente (entrée précédente supprimée ou réécrite)")
        content = _content(entry)
        if chain.keyed_hash(key, entry.prev_hash, corrects_seq=seq_of.get(entry.corrects_id), **content) != entry.hash:
            legacy = chain.plain_hash(entry.prev_hash, **content) == entry.hash
            return Break(entry, "empreinte calculée sans la clé : journal écrit avant la chaîne à clé (lancez une "
                                "fois « flask crisis rechain » juste après la mise à jour) ou réécrit depuis" if legacy
                         else "contenu réécrit ou colonnes échangées (l'empreinte ne correspond plus)", legacy=legacy)
        expected_prev, expected_seq = entry.hash, expected_seq + 1
    return None


def first_broken(crisis_id: int) -> JournalEntry | None:
    """The first entry whose hash, link to the previous entry or position does not hold; None when intact."""
    found = check_chain(crisis_id)
    return found.entry if found else None


def check_witnessed(crisis_id: int, heads: list[dict]) -> list[str]:
    """What is gone since each recorded head of this crisis (in French); empty when every head is still there.

    A head (count n, hash h) holds when the entry n is still there with the hash h: with an intact chain, every
    entry up to n is then the one witnessed."""
    problems = []
    current = dict(db.session.execute(sa.select(JournalEntry.seq, JournalEntry.hash)
                                      .where(JournalEntry.crisis_id == crisis_id)).all())
    last = max(current, default=0)
    for head in heads:
        if head.get("crisis_id") != crisis_id or not head.get("count"):
            continue
        count, digest, at = int(head["count"]), head.get("hash"), head.get("at", "?")
        if count not in current:
            problems.append(f"fin du journal supprimée : le témoin du {at} comptait {count} entrées, "
                            f"le journal n'en a plus que {last}")
        elif current[count] != digest:
            problems.append(f"journal réécrit : l'entrée n° {count} n'a plus l'empreinte {chain.short(digest or '')} "
                            f"relevée le {at} (empreinte actuelle {chain.short(current[count])})")
    return problems


@atomic()
def rechain(crisis_id: int) -> int:
    """Seal a journal written under the first chain (plain SHA-256) with the key, once: refused when the old chain
    does not hold. Returns how many entries were sealed again (0 when already keyed)."""
    key = chain.journal_key()
    if check_chain(crisis_id, key=key) is None:
        return 0
    rows = list(db.session.scalars(sa.select(JournalEntry).where(JournalEntry.crisis_id == crisis_id)
                                   .order_by(JournalEntry.seq).execution_options(populate_existing=True)))
    prev_old, prev_new, updates, seq_of = GENESIS, GENESIS, [], _seq_by_id(crisis_id)
    for expected_seq, entry in enumerate(rows, start=1):
        content = _content(entry)
        # each entry holds by the old rule or (written after the upgrade) by the key, chained to the old hashes
        corrects_seq = seq_of.get(entry.corrects_id)
        holds = (chain.plain_hash(prev_old, **content),
                 chain.keyed_hash(key, prev_old, corrects_seq=corrects_seq, **content))
        if entry.seq != expected_seq or entry.prev_hash != prev_old or entry.hash not in holds:
            raise ServiceError("chain_broken", f"Journal de la crise {crisis_id} rompu à l'entrée n° {entry.seq} : "
                               "il n'est pas scellé de nouveau (examinez-le d'abord).", status=409)
        new_hash = chain.keyed_hash(key, prev_new, corrects_seq=corrects_seq, **content)
        updates.append({"entry_id": entry.id, "new_prev": prev_new, "new_hash": new_hash})
        prev_old, prev_new = entry.hash, new_hash
    table = JournalEntry.__table__
    # the ORM refuses to update entries (append-only, a mapper event): this one sealing goes by SQL on the table
    for update in updates:
        db.session.execute(table.update().where(table.c.id == sa.bindparam("entry_id"))
                           .values(prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash")), update)
    for entry in rows:
        db.session.expire(entry)
    audit.record(actor=None, action="crisis.journal_rechained", object_type="crisis", object_id=crisis_id,
                 summary=f"Journal de bord scellé avec la clé : {len(updates)} entrée(s), empreintes recalculées "
                         f"({chain.format_head(len(updates), prev_new)})")
    return len(updates)


def counts_by_kind(crisis: Crisis) -> dict[str, int]:
    rows = db.session.execute(sa.select(JournalEntry.kind, sa.func.count()).where(JournalEntry.crisis_id == crisis.id)
                              .group_by(JournalEntry.kind))
    return {kind.value if isinstance(kind, EntryKind) else kind: n for kind, n in rows}

