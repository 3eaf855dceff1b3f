"""What a directory search compares: text without accents or case, and phone numbers in one form.

Every professional carries a ``search_text`` (names, RPPS, ADELI, phones in national form, e-mail), folded
the same way as what people type, so that "Clement", "bonnet camille" or "06.39.98.99.02" find their
entry on SQLite as on PostgreSQL with a plain LIKE.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[-'’‐–—,;\s]+")
_PHONE_LIKE = re.compile(r"^\+?[\d\s.\-/()]+$")
MIN_PHONE_DIGITS = 4
LIKE_ESCAPE = "\\"


def fold(text: str | None) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, single spaces: « Jean-Éric » → « jean eric »."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _SEPARATORS.sub(" ", bare).strip()


def phone_digits(text: str | None) -> str:
    """A phone number as its national digits (``0639989902``), whatever form it was written in."""
    if not text:
        return ""
    stripped = text.strip()
    digits = re.sub(r"\D", "", stripped)
    if stripped.startswith("+33"):
        return "0" + digits[2:]
    if digits.startswith("0033"):
        return "0" + digits[4:]
    return digits


def search_text(*, first_name: str | None, last_name: str | None, rpps: str | None = None,
                adeli: str | None = None, mobile_phone: str | None = None, structure_phone: str | None = None,
                email: str | None = None) -> str:
    """The folded text a professional is found by."""
    parts = [fold(first_name), fold(last_name), rpps or "", adeli or "", phone_digits(mobile_phone),
             phone_digits(structure_phone), (email or "").lower()]
    return " ".join(p for p in parts if p)


def terms(query: str | None) -> list[str]:
    """What must each be found: one term for a phone number however spaced, else every folded word."""
    text = (query or "").strip()
    if not text:
        return []
    if _PHONE_LIKE.match(text) and len(re.sub(r"\D", "", text)) >= MIN_PHONE_DIGITS:
        return [phone_digits(text)]
    return [w for w in fold(text).split(" ") if w]


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's wildcards taken literally: ``%`` and ``_`` typed by someone match themselves."""
    escaped = (term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
               .replace("_", LIKE_ESCAPE + "_"))
    return f"%{escaped}%"
