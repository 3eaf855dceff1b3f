"""The EIGS parts in PDF, made by a worker and kept until the event's text changes (core.documents).

The key is "<event id>-<part>"; the fingerprint is the text the PDF prints (cheap: no PDF is made to compute it),
so any change of what the part says makes a new document.
"""

from __future__ import annotations

from flask import current_app

from crisis_app.core import documents
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.timez import paris_datetime
from quality import gate
from quality.register import documents as eigs_texts
from quality.register.models import AdverseEvent

EIGS = "eigs"


def _text(event: AdverseEvent, part: int) -> str:
    cpts = current_app.config["CPTS_NAME"]
    return (eigs_texts.part1 if part == 1 else eigs_texts.part2)(event, cpts_name=cpts)


def request_part(event: AdverseEvent, part: int, *, actor: User):
    return documents.request(kind=EIGS, key=f"{event.id}-{part}", fingerprint=documents.fingerprint(
        _text(event, part)), actor=actor)


def _source(key: str) -> tuple[AdverseEvent, int]:
    event_id, _, part = key.partition("-")
    event = db.session.get(AdverseEvent, int(event_id)) if event_id.isdigit() else None
    if event is None or not event.is_eigs or part not in ("1", "2"):
        raise ServiceError("not_found", "Cet événement n'est plus un EIGS : le document ne peut pas être fabriqué.")
    return event, int(part)


def _filename(event: AdverseEvent, part: int) -> str:
    return f"eigs-{event.reference}-partie-{part}.pdf"


@documents.maker(EIGS, may_read=lambda user, key: user.may("quality.manage"),
                 filename=lambda key: _filename(*_source(key)),
                 title="Déclaration d'EIGS en PDF")
def make_part(key: str, progress) -> bytes:
    event, part = _source(key)
    blockers = gate.check(eigs_texts.sources(event))
    if blockers:  # checked again here: the text may have changed since the page was asked for
        raise ServiceError("blocked", f"Le filtre trouve {blockers[0].sentence} : caviardez-le sur la page de "
                           "l'événement avant de produire ce document.")
    progress(20)
    cpts = current_app.config["CPTS_NAME"]
    return eigs_texts.pdf(f"EIGS {event.reference} — partie {part}", _text(event, part), cpts_name=cpts,
                          generated=paris_datetime(utcnow()))
