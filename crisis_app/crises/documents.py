"""The crisis PDFs made by a worker and kept (core.documents): the journal de bord, the RETEX and the points de
situation (the last two also as the attachment of the message that sends them: core.notifications.attachments).

Each kind's key is the crisis id; its fingerprint is read from the rows the PDF shows, so a new journal line, a
change of the crisis or of its evaluation makes a new document, and anything else gives back the kept one.
"""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.core import documents
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.crises import chain, retex
from crisis_app.crises.models import Crisis, JournalEntry
from crisis_app.crises.pdf import render_journal_pdf

JOURNAL, RETEX, SITUATION = "journal", "retex", "situation"


def _crisis(key: str) -> Crisis:
    crisis = db.session.get(Crisis, int(key)) if key.isdigit() else None
    if crisis is None:
        raise ServiceError("not_found", "Cette crise n'existe plus : le document ne peut pas être fabriqué.")
    return crisis


def journal_fingerprint(crisis: Crisis) -> str:
    """Every line as stored, not only the count and the last hash: a line altered in the database must show as
    "chaîne rompue" in a new PDF, never be covered by one kept from before (plain tuples, no ORM objects)."""
    lines = db.session.execute(sa.select(
        JournalEntry.seq, JournalEntry.at, JournalEntry.kind, JournalEntry.text, JournalEntry.author_label,
        JournalEntry.corrects_id, JournalEntry.prev_hash, JournalEntry.hash)
        .where(JournalEntry.crisis_id == crisis.id).order_by(JournalEntry.seq)).all()
    return documents.fingerprint(crisis, [tuple(line) for line in lines])


def request_journal(crisis: Crisis, *, actor: User):
    return documents.request(kind=JOURNAL, key=str(crisis.id), fingerprint=journal_fingerprint(crisis), actor=actor)


@documents.maker(JOURNAL, may_read=lambda user, key: user.may("crisis.read"),
                 filename=lambda key: f"journal-crise-{key}.pdf", title="Journal de bord en PDF")
def make_journal(key: str, progress) -> bytes:
    crisis = _crisis(key)
    progress(10)
    return render_journal_pdf(crisis)


def retex_fingerprint(crisis: Crisis) -> str:
    evaluation = retex.evaluation_of(crisis)
    return documents.fingerprint(crisis, evaluation, evaluation.figures, list(evaluation.actions),
                                 chain.head_of(crisis.id))


def request_retex(crisis: Crisis, *, actor: User):
    return documents.request(kind=RETEX, key=str(crisis.id), fingerprint=retex_fingerprint(crisis), actor=actor)


@documents.maker(RETEX, may_read=lambda user, key: user.may("crisis.evaluation.read"),
                 filename=lambda key: f"retex-crise-{key}.pdf", title="Retour d'expérience en PDF")
def make_retex(key: str, progress) -> bytes:
    crisis = _crisis(key)
    evaluation = retex.evaluation_of(crisis)
    progress(20)
    return retex.document(evaluation)


def _report(key: str):
    from crisis_app.crises.models import SituationReport

    report = db.session.get(SituationReport, int(key)) if key.isdigit() else None
    if report is None:
        raise ServiceError("not_found", "Ce point de situation n'existe plus : le document ne peut pas être fabriqué.")
    return report


def _may_read_situation(user: User, key: str) -> bool:
    from crisis_app.crises import situation
    from crisis_app.crises.models import SituationReport

    report = db.session.get(SituationReport, int(key)) if key.isdigit() else None
    return report is not None and user.may("crisis.situation.read") and situation.may_read(user, report)


def request_situation(report, *, actor: User | None):
    """The point's PDF: what it prints is the point itself (its text and the figures frozen when it was written)."""
    return documents.request(kind=SITUATION, key=str(report.id),
                             fingerprint=documents.fingerprint(report.number, report.text, report.figures,
                                                               report.gradation, report.created_at),
                             actor=actor)


@documents.maker(SITUATION, may_read=_may_read_situation, filename=lambda key: f"point-situation-{key}.pdf",
                 title="Point de situation en PDF")
def make_situation(key: str, progress) -> bytes:
    from crisis_app.crises import situation

    report = _report(key)
    progress(20)
    return situation.document(report)
