"""Pure rules of alerting: SMS segments, retry backoff, escalation, reply parsing, templates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from crisis_app.core import gsm


@dataclass(frozen=True)
class SmsSize:
    encoding: str  # "GSM-7" or "UCS-2"
    length: int  # characters the recipient sees
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def sms_size(text: str) -> SmsSize:
    """How many SMS a text costs: 160/153 septets in GSM-7, 70/67 UTF-16 units in UCS-2."""
    result = gsm.check(text)
    return SmsSize(encoding=result.encoding, length=result.length, units=result.units, segments=result.segments)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th temporary failure: 30 s, 2 min, 8 min, 32 min, then hourly."""
    return timedelta(seconds=min(30 * 4 ** max(attempts - 1, 0), 3600))


def should_escalate(*, answered: bool, rounds: int, last_round_at: datetime | None, escalation_minutes: int | None,
                    escalation_max: int, now: datetime) -> bool:
    """Re-alert whoever has not answered ``escalation_minutes`` after the last round, up to ``escalation_max``."""
    if answered or not escalation_minutes or rounds >= escalation_max or last_round_at is None:
        return False
    return now - last_round_at >= timedelta(minutes=escalation_minutes)


def escalation_channel(channels: list[str], round_number: int) -> str:
    """Round 0 uses the first channel, round 1 the next, and so on, cycling."""
    return channels[round_number % len(channels)]


_WORD = re.compile(r"[\w']+", re.UNICODE)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


_TIME = re.compile(r"^(\d{1,2})\s*(?:h|:)\s*(\d{2})?$|^(\d{1,2})$")
_SHORT_CODE = re.compile(r"^([a-z])(\d{1,2})$")
_YES, _NO = {"oui", "o", "yes", "y", "1"}, {"non", "n", "no", "0"}
MAX_COUNT = 99
VALUE_HINTS = {"time": "une heure, par exemple 20h ou 20h30", "count": f"un nombre de 0 à {MAX_COUNT}",
               "flag": "oui ou non"}
# where the value ends in "20 h 30 je ferme tard": its own pattern per kind
_LEADING = {"time": re.compile(r"\d{1,2}\s*(?:[hH:]\s*(?:\d{2})?)?(?![\w])"), "count": re.compile(r"\d+(?![\w])"),
            "flag": re.compile(r"[^\s.,;]+")}
SMS_EXAMPLES = {"time": "20h", "count": "2", "flag": "oui"}


def parse_value(kind: str | None, text: str | None) -> str | None:
    """The typed value an answer option asks, as stored: "20:30" (time), "3" (count), "oui"/"non" (flag).
    ``ValueError`` with a French message when it is missing or unreadable; None when the option asks none."""
    if not kind:
        return None
    raw = _fold((text or "").strip()).replace(" ", "")
    if kind == "time" and (m := _TIME.match(raw)):
        hours, minutes = int(m.group(1) or m.group(3)), int(m.group(2) or 0)
        if hours <= 23 and minutes <= 59:
            return f"{hours:02d}:{minutes:02d}"
    elif kind == "count" and raw.isascii() and raw.isdigit() and len(raw) <= 3 and int(raw) <= MAX_COUNT:
        return str(int(raw))
    elif kind == "flag" and raw in _YES | _NO:
        return "oui" if raw in _YES else "non"
    raise ValueError(f"Indiquez {VALUE_HINTS.get(kind, 'une valeur')}.")


def value_label(kind: str | None, value: str | None) -> str:
    """A stored value as a person reads it: « 20 h 30 », « 3 », « oui »."""
    if not value:
        return ""
    if kind == "time":
        hours, minutes = value.split(":")
        return f"{int(hours)}\u00a0h" + (f"\u00a0{minutes}" if minutes != "00" else "")
    return value


@dataclass(frozen=True)
class ParsedReply:
    code: str | None  # the option chosen (None: not understood)
    value: str | None = None  # the typed value the option asks, as stored
    comment: str | None = None
    error: str | None = None  # the option was understood, its value was not (what to write instead)


def short_code(text: str) -> tuple[str, int, str] | None:
    """``("A", 2, rest)`` when the reply starts with a short code such as "A2" (alert A, its option 2)."""
    text = (text or "").strip()
    first = text.split(maxsplit=1)[0] if text else ""
    if not (m := _SHORT_CODE.match(_fold(first))):
        return None
    return m.group(1).upper(), int(m.group(2)), text[len(first):].strip(" .,:;-")


def parse_reply(text: str, options: list[dict]) -> ParsedReply:
    """The answer an SMS reply gives: the first word names an option code (or the start of its label); an option
    that asks a value reads it from the next word ("2 20h", "3 4"); what follows is kept as the comment.
    Unrecognised replies give ``ParsedReply(None, comment=text)``."""
    text = (text or "").strip()
    words = _WORD.findall(text)
    if not words:
        return ParsedReply(None)
    first = _fold(words[0])
    rest = text[text.lower().find(words[0].lower()) + len(words[0]):].strip(" .,:;-") or None
    option = (next((o for o in options if first == _fold(o["code"])), None)
              or next((o for o in options if _fold(o["label"]).split()[0] == first), None))
    if option is None:
        return ParsedReply(None, comment=text)
    return option_reply(option, rest)


def option_reply(option: dict, rest: str | None) -> ParsedReply:
    """The answer for a chosen option and the words after it: its value first when it asks one."""
    if not option.get("value"):
        return ParsedReply(option["code"], comment=rest)
    rest = rest or ""
    found = _LEADING.get(option["value"], _LEADING["flag"]).match(rest)
    head = found.group(0) if found else ""
    tail = rest[len(head):]
    try:
        value = parse_value(option["value"], head)
    except ValueError as exc:
        return ParsedReply(option["code"], comment=rest or None, error=str(exc))
    return ParsedReply(option["code"], value=value, comment=tail.strip(" .,:;-") or None)


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``{placeholders}``; unknown ones stay visible so the author sees them in the preview."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
