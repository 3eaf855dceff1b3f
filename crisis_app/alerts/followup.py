"""« Compléter l'alerte »: a follow-up message on a running alert, without a new alert.

The complement goes to the people who answered and did not decline (whenever they answered: the late ones too;
the silent are the relance's business). People who entered the alert's audience after it left (new members,
back from an unavailability, a saved filter that now matches them) are added to the alert itself: they get the
alert's own message with their answer link and reply code, then the complement, and can answer like everyone;
relances and the end notice reach them too, and their answer time runs from when they were added (``asked_at``).

The newcomers become recipients of the alert's outbox message as ``outbox.send_message`` writes them (one row, one
delivery per channel, the first only when the alert relances). Core has no "add a recipient to a sent message"
service yet; this is the one place that does it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from crisis_app.alerts import recipients, signals
from crisis_app.alerts.messages import SMS_EXERCISE_PREFIX, signature
from crisis_app.alerts.mobilisation import services as mobilisation
from crisis_app.alerts.models import Alert, AlertRecipient, AlertStatus
from crisis_app.alerts.rules import sms_size
from crisis_app.core import audit, audit_labels, gsm
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.core.vocabulary import is_available
from crisis_app.directory import contacts
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional

TOPIC = "alert.complement"
MAX_TEXT = 400

outbox.TOPIC_LABELS[TOPIC] = "Complément d'alerte"
outbox.TOPIC_READ_PERMISSIONS[TOPIC] = "alerts.read"
audit_labels.register_labels(actions={"alert.complement": "Complément d'alerte envoyé"})


def _clean(alert: Alert, text: str | None) -> str:
    if alert.status is not AlertStatus.ACTIVE:
        raise ServiceError("not_active", "Cette alerte n'est plus en cours : on ne peut plus la compléter.",
                           status=409)
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ServiceError("validation_error", f"Le complément est obligatoire ({MAX_TEXT} caractères au plus).",
                           field="text")
    return text


def answered_yes(alert: Alert) -> list[AlertRecipient]:
    """Who answered and did not decline, late answers included."""
    return [r for r in alert.recipients
            if r.answer_code is not None and is_available(alert.question_kind.value, r.answer_code) is not False]


def newcomers(alert: Alert) -> list[Professional]:
    """People in the alert's audience now who are not among its recipients (nor its sender)."""
    from crisis_app.alerts.services import resolve

    audience = db.session.get(Audience, alert.audience_id) if alert.audience_id else None
    if audience is None:
        return []
    have = {r.professional_id for r in alert.recipients}
    sender_user = alert.created_by_id
    return [p for p in resolve(audience) if p.id not in have and (p.user_id is None or p.user_id != sender_user)]


def texts(alert: Alert, text: str) -> tuple[str, str]:
    """The complement's SMS and e-mail as they leave."""
    prefix = SMS_EXERCISE_PREFIX if alert.is_exercise else ""
    sms = (f"{prefix}Complément à l'alerte \"{gsm.replace(alert.title[:80])}\" : {text} - "
           f"{gsm.replace(signature(alert))}")
    email = (f"{'EXERCICE — ' if alert.is_exercise else ''}Complément à l'alerte « {alert.title} » :\n\n{text}\n\n"
             f"{signature(alert)}\n")
    return sms, email


def preview(*, alert: Alert, text: str) -> dict[str, Any]:
    """Who the complement reaches and the SMS as it leaves; written nowhere."""
    text = _clean(alert, text)
    sms, email = texts(alert, text)
    joining = newcomers(alert)
    reachable = [r for r in contacts.recipients_for(joining, alert.channels) if r.sms or r.email]
    return {"text": text, "sms": sms, "email": email, "sms_size": sms_size(sms), "yes": len(answered_yes(alert)),
            "newcomers": len(reachable)}


def _add_to_alert(alert: Alert, people: list[Professional]) -> list[AlertRecipient]:
    """The newcomers as recipients of the alert and of its outbox message, with their deliveries queued; in a
    mobilisation, only those of a counted profession, each counted against their profession's quota."""
    counted = mobilisation.quota_ids(alert)
    if counted:
        people = [p for p in people if p.profession_code in counted]
    rows, _ = recipients.add_people(alert, people, now=utcnow(), quota_ids=counted)
    if not rows:
        return []
    return list(db.session.scalars(sa.select(AlertRecipient).where(
        AlertRecipient.message_recipient_id.in_([r.id for r in rows]))))


@atomic()
def complement_alert(*, actor: User, alert: Alert, text: str) -> dict[str, int]:
    """Add the audience's newcomers to the alert, then send the complement to them and to who answered yes."""
    text = _clean(alert, text)
    added = _add_to_alert(alert, newcomers(alert))
    people = {r.id: r for r in [*answered_yes(alert), *added]}.values()
    sms, email = texts(alert, text)
    message = outbox.send_message(
        topic=TOPIC, subject=f"Complément : {alert.title}", sms_text=sms, email_text=email,
        recipients=[outbox.Recipient(name=r.name, sms=r.mobile_phone if "sms" in r.channels else None,
                                     email=r.email if "email" in r.channels else None,
                                     ref_type="professional", ref_id=r.professional_id) for r in people],
        channels=alert.channels, about=("alert", alert.id), author=actor, label=alert.audience_name,
        read_permission="alerts.read")
    summary = (f"Complément à l'alerte « {alert.title} » envoyé à "
               f"{pluriel(message.recipient_count, 'personne', 'personnes')}, dont "
               f"{pluriel(len(added), 'nouvelle personne ajoutée', 'nouvelles personnes ajoutées')} à l'alerte")
    audit.record(actor=actor, action="alert.complement", object_type="alert", object_id=alert.id, summary=summary,
                 changes={"recipients": [len(alert.recipients) - len(added), len(alert.recipients)]})
    signals.alert_complemented.send(alert, crisis_id=alert.crisis_id, actor=actor, summary=summary)
    return {"sent_to": message.recipient_count, "added": len(added)}
