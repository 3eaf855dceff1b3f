"""The journal's hash chain as pure functions (the migration that carries old lines over uses them too).

Each entry's hash is SHA-256 over the previous entry's hash and a canonical JSON of the entry's content (sorted
keys, no spaces, UTF-8, times as UTC ISO 8601): changing any field of any entry, or removing one, breaks the chain
from that entry on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


def canonical(*, crisis_id: int, seq: int, at: datetime, kind: str, text: str, author_id: int | None,
              author_label: str, corrects_id: int | None) -> bytes:
    """The bytes an entry's hash covers (besides the previous hash)."""
    content = {"crisis_id": crisis_id, "seq": seq, "at": at.astimezone(UTC).isoformat(), "kind": kind,
               "text": text, "author_id": author_id, "author_label": author_label, "corrects_id": corrects_id}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(prev_hash: str, **content) -> str:
    """SHA-256 of the previous hash followed by the entry's canonical content."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(**content)).hexdigest()
