"""GSM-7 (3GPP TS 23.038): whether a text fits the SMS default alphabet, what it costs, what breaks it.

One character outside the alphabet (a dash "—", guillemets « », "ê", "ç", a typographic apostrophe…) turns the
whole SMS into UCS-2: 70 characters per SMS instead of 160, 67 instead of 153 when split. A 200-character alert
then costs 3 or 4 SMS per person instead of 2. Every text Vigie writes itself fits GSM-7 (a test checks it);
what people type is checked here and, on request, rewritten with :data:`REPLACEMENTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# GSM 03.38 basic set and the extension table (each extension character costs two septets).
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = frozenset("^{}\\[~]|€\f")

# What a French text most often holds outside GSM-7, and its nearest GSM-7 writing.
REPLACEMENTS: dict[str, str] = {
    "—": "-", "–": "-", "‑": "-", "−": "-", "·": "-", "•": "-",
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'", "‚": "'", "`": "'",
    "…": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
    "â": "a", "ê": "e", "î": "i", "ô": "o", "û": "u", "ë": "e", "ï": "i", "ÿ": "y", "ç": "c", "á": "a",
    "í": "i", "ó": "o", "ú": "u",
    "À": "A", "Â": "A", "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I", "Ô": "O", "Û": "U", "Ù": "U",
    "Œ": "OE", "œ": "oe", "°": "o", "×": "x", "≥": ">=", "≤": "<=",
}


@dataclass(frozen=True)
class GsmCheck:
    encoding: str  # "GSM-7" or "UCS-2"
    length: int  # characters the recipient sees
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    offending: tuple[str, ...]  # the characters outside GSM-7, each once, in order of appearance
    fixable: bool  # every offending character has a replacement

    @property
    def is_gsm7(self) -> bool:
        return self.encoding == "GSM-7"


def is_gsm7(text: str) -> bool:
    return all(c in BASIC or c in EXTENSION for c in text)


def offending(text: str) -> tuple[str, ...]:
    """The characters of ``text`` outside GSM-7, each once, in order of appearance."""
    return tuple(dict.fromkeys(c for c in text if c not in BASIC and c not in EXTENSION))


def septets(text: str) -> int:
    return sum(2 if c in EXTENSION else 1 for c in text)


def segments_of(units: int, *, gsm7: bool) -> int:
    """SMS count: 160 septets in one SMS, 153 per part when split (GSM-7); 70 and 67 UTF-16 units (UCS-2)."""
    single, multi = (160, 153) if gsm7 else (70, 67)
    return 0 if units == 0 else 1 if units <= single else -(-units // multi)


def check(text: str) -> GsmCheck:
    text = text or ""
    bad = offending(text)
    if not bad:
        units = septets(text)
        return GsmCheck("GSM-7", len(text), units, segments_of(units, gsm7=True), (), True)
    units = len(text.encode("utf-16-le")) // 2
    return GsmCheck("UCS-2", len(text), units, segments_of(units, gsm7=False), bad,
                    all(c in REPLACEMENTS for c in bad))


_GUILLEMETS = (re.compile("«[ \u00a0\u202f]*"), re.compile("[ \u00a0\u202f]*»"))


def replace(text: str) -> str:
    """``text`` with every character of :data:`REPLACEMENTS` rewritten (the others are left as they are); French
    guillemets lose their inner spaces: « centre » becomes "centre"."""
    text = _GUILLEMETS[1].sub('"', _GUILLEMETS[0].sub('"', text or ""))
    return "".join(REPLACEMENTS.get(c, c) if c not in BASIC and c not in EXTENSION else c for c in text)


def describe(char: str) -> str:
    """How the composer names a character a reader cannot see (a non-breaking space, a tab)."""
    return {"\u00a0": "espace insécable", "\u202f": "espace fine insécable", "\u2009": "espace fine",
            "\t": "tabulation"}.get(char, char)
