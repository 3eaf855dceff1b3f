"""Practice-analysis groups and complex-case concertations: the situation discussed (a case is described without
identifying the patient) and the group's conclusions, both through the patient-data screen; and the figure the
contract indicator reads, the professionals who attended, per profession.

The actions a group decides go into the one action plan (source: the session), as CREX and RMM actions do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.timez import paris_day_bounds
from quality import validation
from quality.sessions.models import QualitySession, SessionParticipant
from quality.sessions.vocab import ANALYSIS_GROUP_KINDS, DISCUSSION_KINDS, SessionKind, SessionStatus

OBJECT = "quality_session"
UNKNOWN_PROFESSION = "Profession non renseignée"


def _text(value: Any, field: str) -> str | None:
    text = validation.clean_text(value)
    if text and len(text) > validation.TEXT_MAX:
        raise ServiceError("validation_error", f"Au plus {validation.TEXT_MAX} caractères.", field=field)
    return text


@atomic()
def record(*, actor: User, session: QualitySession, case_summary: Any = None, conclusions: Any = None,
           not_persons: Iterable[str] = ()) -> QualitySession:
    """Write the case discussed and the conclusions of a practice group or a concertation (screened, 422 if not)."""
    if session.kind not in DISCUSSION_KINDS:
        raise ServiceError("invalid_transition", "Seuls les groupes d'analyse des pratiques et les concertations "
                           "ont un cas discuté et des conclusions.", status=409)
    if session.status is SessionStatus.CANCELLED:
        raise ServiceError("invalid_transition", f"{session.reference} est annulée.", status=409)
    texts = {"case_summary": _text(case_summary, "case_summary"), "conclusions": _text(conclusions, "conclusions")}
    validation.refuse_patient_data(texts, not_persons=not_persons)
    session.case_summary, session.conclusions = texts["case_summary"], texts["conclusions"]
    audit.record(actor=actor, action="quality.session.discussion", object_type=OBJECT, object_id=session.id,
                 summary=f"{session.reference} : cas discuté et conclusions enregistrés")
    return session


def participants_by_profession(year: int, kinds: Iterable[SessionKind | str] = ANALYSIS_GROUP_KINDS) -> dict[str, int]:
    """The professionals present at held sessions of ``kinds`` in the Paris civil ``year``, each counted once, per
    profession (the contract indicator "nombre de professionnels participant aux groupes d'analyse")."""
    start, end = paris_day_bounds(date(year, 1, 1))[0], paris_day_bounds(date(year + 1, 1, 1))[0]
    return participants_between(start, end, kinds)


def participants_between(start: datetime, end: datetime, kinds: Iterable[SessionKind | str]) -> dict[str, int]:
    """Per profession, the people present at held sessions of ``kinds`` starting in [start, end), each once."""
    rows = db.session.execute(
        sa.select(SessionParticipant.professional_id, SessionParticipant.user_id, SessionParticipant.profession)
        .join(QualitySession, QualitySession.id == SessionParticipant.session_id)
        .where(QualitySession.status == SessionStatus.HELD, SessionParticipant.attended.is_(True),
               QualitySession.kind.in_([SessionKind(k) for k in kinds]),
               QualitySession.starts_at >= start, QualitySession.starts_at < end)
        .order_by(SessionParticipant.id)).all()
    seen: dict[str, str] = {}
    for professional_id, user_id, profession in rows:
        key = f"p{professional_id}" if professional_id else f"u{user_id}"
        seen.setdefault(key, profession or UNKNOWN_PROFESSION)
    counts: dict[str, int] = {}
    for profession in seen.values():
        counts[profession] = counts.get(profession, 0) + 1
    return dict(sorted(counts.items()))
