"""What the liberal professionals' answers add up to: cabinets open and until when, half-days, home visits.

One line per answer option that carries a value (core.vocabulary: an hour, a number, a yes/no), from each person's
current answer: an hour counts the people and gives the latest one, a number is summed, a yes/no counts the yeses.
The alert follow-up page shows it per alert; the crisis needs board over the crisis's alerts (a person counted
once, with their latest answer).
"""

from __future__ import annotations

import sqlalchemy as sa

from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.alerts.rules import value_label
from crisis_app.core.db import db
from crisis_app.core.formats import pluriel


def _sum(answers: list[tuple[AlertRecipient, Alert]]) -> list[dict]:
    lines: dict[tuple[str, str], dict] = {}
    for recipient, alert in answers:
        option = alert.option(recipient.answer_code)
        if not option or not option.get("value") or recipient.answer_value is None:
            continue
        kind = option["value"]
        line = lines.setdefault((option["label"], kind), {"label": option["label"], "kind": kind, "people": 0,
                                                         "total": 0, "latest": None})
        line["people"] += 1
        if kind == "count":
            line["total"] += int(recipient.answer_value)
        elif kind == "flag":
            line["total"] += 1 if recipient.answer_value == "oui" else 0
        elif line["latest"] is None or recipient.answer_value > line["latest"]:
            line["latest"] = recipient.answer_value  # "HH:MM" sorts as the hour it says
    for line in lines.values():
        line["text"] = _text(line)
    return list(lines.values())


def _text(line: dict) -> str:
    people = pluriel(line["people"], "personne", "personnes")
    if line["kind"] == "time":
        return f"{line['label']} : {people}, jusqu'à {value_label('time', line['latest'])} au plus tard"
    if line["kind"] == "count":
        return f"{line['label']} : {line['total']} ({people})"
    return f"{line['label']} : {line['total']} oui sur {people}"


def of_alert(alert: Alert) -> list[dict]:
    """The summed values of one alert's current answers (empty when its options carry none)."""
    if not any(o.get("value") for o in alert.options):
        return []
    people = db.session.scalars(sa.select(AlertRecipient).where(AlertRecipient.alert_id == alert.id,
                                                                AlertRecipient.answer_value.isnot(None))).all()
    return _sum([(r, alert) for r in people])


def of_crisis(crisis_id: int) -> list[dict]:
    """The summed values over a crisis's alerts, each person once with their latest answer."""
    rows = db.session.execute(
        sa.select(AlertRecipient, Alert).join(Alert)
        .where(Alert.crisis_id == crisis_id, AlertRecipient.answered_at.isnot(None))
        .order_by(AlertRecipient.answered_at)).all()
    latest: dict = {}
    for recipient, alert in rows:
        latest[recipient.professional_id or f"r{recipient.id}"] = (recipient, alert)
    return _sum(list(latest.values()))
