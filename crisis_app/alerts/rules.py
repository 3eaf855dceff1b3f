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


def parse_reply(text: str, options: list[dict]) -> tuple[str | None, str | None]:
    """``(code, comment)`` from an SMS reply: the first word names an option code (or the start of its label);
    what follows is kept as the comment. Unrecognised replies give ``(None, text)``."""
    text = (text or "").strip()
    words = _WORD.findall(text)
    if not words:
        return None, None
    first = _fold(words[0])
    rest = text[text.lower().find(words[0].lower()) + len(words[0]):].strip(" .,:;-") or None
    for option in options:
        if first == _fold(option["code"]):
            return option["code"], rest
    for option in options:
        if _fold(option["label"]).split()[0] == first:
            return option["code"], rest
    return None, text


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``{placeholders}``; unknown ones stay visible so the author sees them in the preview."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
