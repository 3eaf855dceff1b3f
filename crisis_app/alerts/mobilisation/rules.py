"""Pure rules of mobilisation: which answers are a yes, when the next wave is due, who it goes to."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from crisis_app.core.vocabulary import QuestionKind, is_available
from crisis_app.directory.validation import PROFESSIONS

# The questions a quota can count; what « yes » means in each is the vocabulary's (``is_available``: the history and
# the figures read the same rule).
QUOTA_QUESTIONS = (QuestionKind.AVAILABILITY, QuestionKind.LIBERAL, QuestionKind.CELL)


def yes_codes(question: QuestionKind, options: Iterable[Mapping]) -> frozenset[str]:
    """The answer codes that count as « available »: every availability level but « Non disponible » (codes 1–3, or
    a preset's own options), every liberal offer (open until, half-days, home visits), « J'arrive » / « En visio »
    for the cellule; none for other questions."""
    if question not in QUOTA_QUESTIONS:
        return frozenset()
    return frozenset(o["code"] for o in options if is_available(question.value, o["code"]))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


_ALIASES = {"ide": "60", "infirmiere": "60", "infirmier": "60", "medecin": "10", "generaliste": "10",
            "pharmacienne": "21", "kine": "70", "kinesitherapeute": "70", "sage-femme": "50", "dentiste": "40"}


def profession_code(value: str) -> str | None:
    """A profession named by its code (``60``), its label (« Infirmier ») or a common name (« IDE », « kiné »)."""
    folded = _fold(value or "")
    if folded in PROFESSIONS:
        return folded
    by_label = {_fold(label): code for code, label in PROFESSIONS.items()}
    return by_label.get(folded) or _ALIASES.get(folded) or _ALIASES.get(folded.rstrip("s"))


@dataclass(frozen=True)
class WaveState:
    position: int
    wait_minutes: int
    launched_at: datetime | None


def next_wave_due(waves: list[WaveState]) -> tuple[WaveState, datetime] | None:
    """The first wave not launched yet and when it is due: ``wait_minutes`` of the wave before it after that one
    left; None when every wave has left (or the one before has not left yet)."""
    ordered = sorted(waves, key=lambda w: w.position)
    for before, wave in zip(ordered, ordered[1:], strict=False):
        if wave.launched_at is None:
            if before.launched_at is None:
                return None
            return wave, before.launched_at + timedelta(minutes=before.wait_minutes)
    return None


def short_professions(quotas: Iterable[tuple[str, int, int]]) -> set[str]:
    """The professions still short of their target, from ``(profession_code, target, confirmed)``."""
    return {code for code, target, confirmed in quotas if confirmed < target}


def settle(*, held: bool, yes: bool) -> str:
    """What an answer asks of the quota: ``take`` a place, ``release`` the one held, or ``keep`` as it is."""
    if yes and not held:
        return "take"
    if held and not yes:
        return "release"
    return "keep"
