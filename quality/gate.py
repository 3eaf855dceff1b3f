"""No document calls itself anonymous unless it passes: every document of the programme (agenda, minutes, annual
report, EIGS drafts) runs the screen over the texts it prints when it is generated; a finding blocks it.

A ``Source`` is one printed text with where it can be redacted (an event's page, a session's page); ``check``
returns the blockers, ``refuse`` raises a 409 naming them. A document that passed may say it holds no data
identifying a patient; one that did not is not produced at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from quality import screening, validation

PASSED_SENTENCE = "Document sans donnée identifiant un patient ni un déclarant (vérifié à sa création)."


@dataclass(frozen=True)
class Source:
    label: str  # where the text is, in French: « EIAS-K3F7Q9 — récit »
    text: str | None
    event_id: int | None = None  # redacted on the event's page
    session_id: int | None = None  # or corrected on the session's page


@dataclass(frozen=True)
class Blocker:
    source: Source
    finding: screening.Finding

    @property
    def sentence(self) -> str:
        return f"{self.source.label} : « {self.finding.text} » ({self.finding.label})"


def check(sources: Iterable[Source]) -> list[Blocker]:
    sources = [s for s in sources if s.text]
    if not sources:
        return []
    by_key = {str(n): s for n, s in enumerate(sources)}
    found = validation.findings({key: s.text for key, s in by_key.items()})
    return [Blocker(source=by_key[f.field], finding=f) for f in found]


def refuse(document: str, blockers: list[Blocker]) -> None:
    """Raise 409 when ``blockers``: the document is not produced until the passages are redacted."""
    if not blockers:
        return
    shown = "; ".join(b.sentence for b in blockers[:3])
    more = f" (et {pluriel(len(blockers) - 3, 'autre', 'autres')})" if len(blockers) > 3 else ""
    raise ServiceError("document_blocked", f"{document} n'est pas produit : le filtre y trouve {shown}{more}. "
                       "Caviardez ces passages d'abord (lien « Caviarder » de chaque événement).", status=409)
