"""Closing the loop: the feedback to the declarer, the closure of an analysed event, the lessons shared.

A named declarer gets the feedback as a message; an anonymous one reads it on their follow-up page (the event's
``feedback``, which part 1's page shows). The lessons go to a directory audience, by e-mail, through the outbox.
"""

from __future__ import annotations

from crisis_app.core import audit
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.contacts import recipients_for
from quality import validation
from quality.action_followup import actions
from quality.register import eventflow, rules
from quality.register import services as register
from quality.register.models import AdverseEvent
from quality.register.vocab import State

OBJECT = "adverse_event"


def _text(value, field: str, message: str) -> str:
    text = validation.clean_text(value)
    if text is None:
        raise ServiceError("validation_error", message, field=field)
    if len(text) > validation.TEXT_MAX:
        raise ServiceError("validation_error", f"Au plus {validation.TEXT_MAX} caractères.", field=field)
    validation.refuse_patient_data({field: text})
    return text


def share_lessons(*, actor: User, event: AdverseEvent, audience_id: int, lessons: str) -> outbox.Message:
    """Send the lessons learned to a directory audience (e-mail; only consented addresses)."""
    text = _text(lessons, "lessons", "Écrivez les enseignements à partager.")
    audience = db.session.get(Audience, audience_id) if isinstance(audience_id, int) else None
    if audience is None:
        raise ServiceError("validation_error", "Liste de diffusion introuvable.", field="audience_id")
    people = recipients_for(audiences.resolve(audience), ("email",))
    body = (f"Bonjour,\n\nLes référents qualité de la CPTS partagent les enseignements de l'analyse d'un événement "
            f"indésirable ({event.category_label}).\n\n{text}\n\nCe retour d'expérience est anonyme et non punitif."
            "\n\nVigie — qualité et sécurité des soins")
    message = outbox.send_message(topic="quality.lessons", subject=f"Retour d'expérience : {event.category_label}",
                                  email_text=body, recipients=people, channels=("email",), first_channel_only=True,
                                  about=("adverse_event", event.id), author=actor, label=audience.name,
                                  read_permission="quality.manage")
    audit.record(actor=actor, action="quality.event.lessons", object_type=OBJECT, object_id=event.id,
                 summary=f"{event.reference} : enseignements partagés avec « {audience.name} » "
                         f"({pluriel(message.recipient_count, 'destinataire', 'destinataires')})")
    return message


def close(*, actor: User, event: AdverseEvent, feedback: str | None = None, audience_id: int | None = None,
          lessons: str | None = None) -> AdverseEvent:
    """Close an event whose actions are all verified (409 and nothing changed otherwise)."""
    actions.refuse_unverified(event)
    if validation.clean_text(feedback):
        _text(feedback, "feedback", "")  # checked before anything is written
    if audience_id is not None:
        _text(lessons, "lessons", "Écrivez les enseignements à partager.")
    ready = event.state in (State.PLAN_VALIDE, State.ACTIONS_EN_COURS, State.ACTIONS_REALISEES)
    if not ready and not rules.may_move(event.state, State.CLOTURE):
        raise ServiceError("invalid_transition", f"{event.reference} est « {event.state.label} » : il ne peut être "
                           "clôturé qu'après traitement simple ou vérification de l'efficacité de son plan "
                           "d'actions.", field="to", status=409)
    if ready:
        eventflow.advance(event, State.EFFICACITE_VERIFIEE, actor=actor)
    if validation.clean_text(feedback):
        register.give_feedback(actor=actor, event=event, feedback=feedback)
    eventflow.advance(event, State.CLOTURE, actor=actor)
    if audience_id is not None:
        share_lessons(actor=actor, event=event, audience_id=audience_id, lessons=lessons or "")
    return event

