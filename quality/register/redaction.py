"""Redaction by the quality référent: a passage of an event's text becomes « [patient] », « [professionnel] » or
« [lieu] ». The earlier text is overwritten (the row and the search text are rewritten, nothing keeps it); the audit
row says that a redaction happened in which field, never what was removed."""

from __future__ import annotations

from dataclasses import dataclass

from crisis_app.core import audit
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.core.models import User
from quality import screening, validation
from quality.register.models import AdverseEvent

OBJECT = "adverse_event"


class Replacement(LabelledStrEnum):
    PATIENT = "patient", "[patient]"
    PROFESSIONAL = "professionnel", "[professionnel]"
    PLACE = "lieu", "[lieu]"


# The event's texts a redaction may rewrite, with their French names.
FIELDS = {"description": "Récit", "immediate_measures": "Mesures immédiates", "barrier": "Détection, récupération",
          "patient_informed_by": "Patient informé par", "feedback": "Retour au déclarant"}


@dataclass(frozen=True)
class Passage:
    """A passage the screen flags in one of the event's texts: what the référent is offered to redact."""
    field: str  # a key of FIELDS, or "note-<id>"
    field_label: str
    finding: screening.Finding

    @property
    def suggested(self) -> Replacement:
        return Replacement.PROFESSIONAL if self.finding.kind == "professional" else (
            Replacement.PLACE if self.finding.kind == "address" else Replacement.PATIENT)


def _texts(event: AdverseEvent, *, steps: bool = True) -> dict[str, tuple[str, str | None]]:
    texts = {name: (label, getattr(event, name)) for name, label in FIELDS.items()}
    for note in event.notes:
        texts[f"note-{note.id}"] = (f"Information ajoutée le {note.at:%d/%m/%Y}", note.text)
    for step in event.history if steps else ():
        if step.reason:
            texts[f"step-{step.id}"] = (f"Commentaire du {step.at:%d/%m/%Y}", step.reason)
    return texts


def passages(event: AdverseEvent) -> list[Passage]:
    """What the screen flags in the event's texts today (a text stored before the screen learnt a pattern too).

    The history's comments are left out: they were screened when written, and Vigie's own ones name the pilot an
    analysis is given to (a fact of the internal follow-up, printed in no document)."""
    texts = _texts(event, steps=False)
    found = validation.findings({name: text for name, (_, text) in texts.items()})
    return [Passage(field=f.field, field_label=texts[f.field][0], finding=f) for f in found]


def redact(*, actor: User, event: AdverseEvent, field: str, passage: str, replacement: Replacement | str) -> int:
    """Replace every occurrence of ``passage`` in one text of the event; returns how many were replaced."""
    try:
        replacement = Replacement(replacement)
    except ValueError:
        raise ServiceError("validation_error", "Choisissez [patient], [professionnel] ou [lieu].",
                           field="replacement") from None
    texts = _texts(event)
    if field not in texts:
        raise ServiceError("validation_error", "Champ inconnu.", field="field")
    passage = (passage or "").strip()
    text = texts[field][1] or ""
    if not passage or passage not in text:
        raise ServiceError("validation_error", "Ce passage n'est pas dans le texte : sélectionnez-le tel quel.",
                           field="passage")
    count = text.count(passage)
    new_text = text.replace(passage, replacement.label)
    if field.startswith("note-"):
        next(n for n in event.notes if f"note-{n.id}" == field).text = new_text
    elif field.startswith("step-"):
        next(s for s in event.history if f"step-{s.id}" == field).reason = new_text
    else:
        setattr(event, field, new_text)
    event.refresh_search_text()
    db.session.flush()
    audit.record(actor=actor, action="quality.event.redact", object_type=OBJECT, object_id=event.id,
                 summary=f"{event.reference} : caviardage dans « {texts[field][0]} »",
                 changes={"field": field, "replacement": replacement.value, "count": count})
    return count
