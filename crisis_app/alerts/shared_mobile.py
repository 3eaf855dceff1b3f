"""An SMS reply from a mobile several people of the same alert share (a practice's phone, a couple of nurses).

The reply is never recorded for one of them at random: a name in the reply ("1 Anne") picks the person when it
names exactly one of them; otherwise nothing is recorded, the audit trail says so, and the number gets an SMS asking
who answers. Sharing is read from the alert itself (the people it went to on that number), whether or not the
directory marks the mobile as shared.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core import audit, audit_labels
from crisis_app.core.db import db
from crisis_app.core.notifications import outbox

TOPIC = "alert.reply_which"
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_NOT_NAMES = {"dr", "docteur", "pr", "mme", "mr", "m", "de", "du", "la", "le", "des"}

outbox.TOPIC_LABELS[TOPIC] = "Réponse SMS : qui répond ?"
outbox.TOPIC_READ_PERMISSIONS[TOPIC] = "alerts.read"
audit_labels.register_labels(actions={"alert.reply_ambiguous": "Réponse SMS d'un numéro partagé, non attribuée"})


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _names(name: str) -> set[str]:
    return {w for w in (_fold(w) for w in _WORD.findall(name)) if w not in _NOT_NAMES}


def sharers(recipient: AlertRecipient) -> list[AlertRecipient]:
    """Everyone the same alert reached on this recipient's mobile (the recipient included), in a stable order."""
    if not recipient.mobile_phone:
        return [recipient]
    return list(db.session.scalars(sa.select(AlertRecipient)
                                   .where(AlertRecipient.alert_id == recipient.alert_id,
                                          AlertRecipient.mobile_phone == recipient.mobile_phone)
                                   .order_by(AlertRecipient.id)))


def named_in(text: str | None, people: list[AlertRecipient]) -> AlertRecipient | None:
    """The one person of ``people`` the text names (a first or last name), or None (nobody, or several)."""
    words = {_fold(w) for w in _WORD.findall(text or "")}
    named = [p for p in people if _names(p.name) & words]
    return named[0] if len(named) == 1 else None


def ask_which(*, alert: Alert, number: str, people: list[AlertRecipient], code: str) -> None:
    """Record nothing, say so in the audit trail, and ask the number who answers (when SMS can be sent)."""
    first_names = [sorted(_names(p.name), key=len)[-1].capitalize() if _names(p.name) else p.name for p in people]
    audit.record(actor=None, action="alert.reply_ambiguous", object_type="alert", object_id=alert.id,
                 summary=f"Réponse SMS d'un numéro partagé par {len(people)} personnes de l'alerte "
                         f"« {alert.title[:120]} » : non enregistrée, le numéro est invité à dire qui répond")
    if "sms" not in outbox.usable_channels(["sms"]):
        return
    example = first_names[0]
    text = (f"Vigie : ce numéro sert à plusieurs personnes pour l'alerte \"{alert.title[:60]}\" "
            f"({', '.join(p.name for p in people)[:200]}). Votre réponse n'est pas enregistrée : répondez avec "
            f"votre prénom, par exemple \"{code} {example}\".")
    outbox.send_message(topic=TOPIC, subject="Qui répond ?", sms_text=text,
                        recipients=[outbox.Recipient(name="Numéro partagé", sms=number)], channels=("sms",),
                        about=("alert", alert.id), label="Numéro partagé", read_permission="alerts.read")
