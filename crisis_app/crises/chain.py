"""The journal's chain and its head, as pure functions (plus where the key comes from).

Each entry's hash is an HMAC-SHA-256, under a key that is never in the database, of the previous entry's hash and a
canonical JSON of the entry's content (sorted keys, no spaces, UTF-8, times as UTC ISO 8601): changing any field of
any entry, or removing one in the middle, breaks the chain from that entry on, and whoever writes to the database
without the key cannot compute a chain that holds again.

The chain alone cannot see its *end* cut off, nor a rewrite by someone who holds the key: the **head** (the number
of entries and the last hash, see :func:`head_line`) is printed in every journal export and kept in witness files
outside the database (``flask crisis verify-journal ID --witness FILE``); a head once witnessed must stay in the
journal forever (the model is RFC 6962's signed tree heads and Crosby & Wallach, 2009).

Entries written before the key existed were hashed with plain SHA-256 (:func:`plain_hash`, kept to read them):
``flask crisis rechain`` re-seals them once with the key (see the README).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from datetime import UTC, datetime

from crisis_app.core.formats import pluriel

GENESIS = "0" * 64
KEY_LABEL = b"vigie/crisis-journal-chain/v2"  # derivation label: the SECRET_KEY's other uses never give this key


def canonical(*, crisis_id: int, seq: int, at: datetime, kind: str, text: str, author_id: int | None,
              author_label: str, corrects_id: int | None) -> bytes:
    """The bytes an entry's hash covers (besides the previous hash)."""
    content = {"crisis_id": crisis_id, "seq": seq, "at": at.astimezone(UTC).isoformat(), "kind": kind,
               "text": text, "author_id": author_id, "author_label": author_label, "corrects_id": corrects_id}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def plain_hash(prev_hash: str, **content) -> str:
    """The first chain's rule (SHA-256, no key): only to read the entries written before the key, never to write."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(**content)).hexdigest()


def keyed_hash(key: bytes, prev_hash: str, *, corrects_seq: int | None = None, **content) -> str:
    """HMAC-SHA-256 under ``key`` of the previous hash, the entry's canonical content and the position of the entry
    it corrects (an id alone would follow two rows whose columns were swapped whole)."""
    tail = b"\n" + str(corrects_seq).encode("ascii") if content.get("corrects_id") is not None else b""
    return hmac.new(key, prev_hash.encode("ascii") + b"\n" + canonical(**content) + tail, hashlib.sha256).hexdigest()


def derive_key(*, journal_key: str | None, secret_key: str) -> bytes:
    """``VIGIE_JOURNAL_KEY`` when set; otherwise a key derived from SECRET_KEY under its own label."""
    if journal_key:
        return journal_key.encode("utf-8")
    if not secret_key:
        raise RuntimeError("ni VIGIE_JOURNAL_KEY ni SECRET_KEY : le journal de bord ne peut pas être scellé")
    return hmac.new(secret_key.encode("utf-8"), KEY_LABEL, hashlib.sha256).digest()


def journal_key() -> bytes:
    """The application's key (read from its config, then the environment; never stored in the database)."""
    from flask import current_app

    config = current_app.config
    return derive_key(journal_key=config.get("VIGIE_JOURNAL_KEY") or os.environ.get("VIGIE_JOURNAL_KEY"),
                      secret_key=config.get("SECRET_KEY", ""))


def short(digest: str) -> str:
    """A hash as people compare it by eye: ``3f9a01b2…04c2``."""
    return f"{digest[:8]}…{digest[-4:]}" if digest else "—"


def format_head(count: int, last_hash: str | None) -> str:
    if not count:
        return "Journal : aucune entrée"
    return f"Journal : {pluriel(count, 'entrée', 'entrées')}, empreinte {short(last_hash or '')}"


def head_of(crisis_id: int) -> tuple[int, str | None]:
    """(number of entries, hash of the last one) as the database holds them now."""
    import sqlalchemy as sa

    from crisis_app.core.db import db
    from crisis_app.crises.models import JournalEntry

    last = db.session.execute(sa.select(JournalEntry.seq, JournalEntry.hash)
                              .where(JournalEntry.crisis_id == crisis_id)
                              .order_by(JournalEntry.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, None)


def head_line(crisis) -> str:
    """The journal's head as one short line: ``Journal : 42 entrées, empreinte 3f9a01b2…04c2``.

    Printed in every journal export and message about the crisis, so that copies outside Vigie witness it."""
    return format_head(*head_of(crisis.id))


def head_record(crisis_id: int, *, at: datetime | None = None) -> dict:
    """The head as a witness file keeps it (one JSON line)."""
    count, last = head_of(crisis_id)
    return {"crisis_id": crisis_id, "count": count, "hash": last,
            "at": (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")}
