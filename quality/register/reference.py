"""An EIAS's reference: « EIAS-K3F7Q9 », six letters and digits read from its key, which is drawn at random.

Numbers given in sequence let anyone who sees two named declarations place an anonymous one between them (and the
audit trail, the register's order or an acknowledgement then name its author). Keys are drawn at random in
[32⁵, 32⁶) (``core.db.random_key``), so every reference has exactly six characters of Crockford's base 32: no I, L,
O or U to misread on paper or over the phone, and typing O for 0 or I/L for 1 still finds the event.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6
LOW, HIGH = 32 ** (LENGTH - 1), 32 ** LENGTH
PREFIX = "EIAS-"
EXAMPLE = "EIAS-K3F7Q9"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE = re.compile(rf"\s*(?:EIAS\s*[-–]?\s*)?([0-9A-Z]{{{LENGTH}}})\s*", re.IGNORECASE)
_DECIMAL = re.compile(r"\s*(\d{1,10})\s*")


def reference(key: int) -> str:
    """The reference of the event whose key is ``key``."""
    digits = []
    for _ in range(LENGTH):
        key, rest = divmod(key, 32)
        digits.append(ALPHABET[rest])
    return PREFIX + "".join(reversed(digits))


def parse(text: object) -> int | None:
    """The key a reference names (« EIAS-K3F7Q9 », « eias k3f7q9 », « K3F7Q9 »), or a bare key (the API's ids), or
    None when the text is neither."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if not isinstance(text, str):
        return None
    code = _CODE.fullmatch(text)
    chars = code.group(1).upper().translate(_MISREAD) if code else ""
    if code and all(c in ALPHABET for c in chars):
        key = 0
        for c in chars:
            key = key * 32 + ALPHABET.index(c)
        return key
    decimal = _DECIMAL.fullmatch(text)
    return int(decimal.group(1)) if decimal else None
