"""A drill's figures, read from its alert's deliveries and answers in SQL aggregates (no row loaded one by one):
time to first answer; the share of the people asked who answered within 5, 15 and 30 minutes, in all, per
profession, per channel (of the first delivery that reached them) and per way of answering; people unreachable.

A person's time is their first answer's (a changed answer later does not make them slower).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from markupsafe import Markup

from crisis_app.alerts import services as alerts
from crisis_app.alerts.drills.models import Drill
from crisis_app.alerts.models import Alert, AlertAnswer, AlertRecipient
from crisis_app.core.charts import bars
from crisis_app.core.db import db
from crisis_app.core.notifications.models import PURPOSE_END, Delivery, DeliveryState
from crisis_app.core.timez import paris_date
from crisis_app.directory.professionals.models import Professional

THRESHOLDS = (5, 15, 30)  # minutes
REACHED = (DeliveryState.SENT, DeliveryState.ANSWERED)
CHANNEL_LABELS = {"sms": "SMS", "email": "E-mail", None: "Non atteint"}
VIA_LABELS = {"lien": "Lien du message", "sms": "Réponse SMS", "api": "API", None: "Sans réponse"}


def _per_person(alert: Alert) -> sa.Subquery:
    """One row per person asked: profession, first answer (time, way), channel of the first delivery that reached.

    Grouped subqueries joined once (not a subquery per person): a drill to 2,000 people is read in one pass of its
    answers and one of its deliveries. Ties (two answers in the same microsecond) take the smallest value.
    """
    asked = AlertRecipient.alert_id == alert.id
    firsts = (sa.select(AlertAnswer.recipient_id, sa.func.min(AlertAnswer.at).label("at"))
              .join(AlertRecipient, AlertRecipient.id == AlertAnswer.recipient_id).where(asked)
              .group_by(AlertAnswer.recipient_id).subquery())
    first_via = (sa.select(AlertAnswer.recipient_id, sa.func.min(AlertAnswer.via).label("via"))
                 .join(firsts, sa.and_(firsts.c.recipient_id == AlertAnswer.recipient_id,
                                       firsts.c.at == AlertAnswer.at))
                 .group_by(AlertAnswer.recipient_id).subquery())
    reaching = sa.and_(Delivery.message_id == alert.message_id, Delivery.state.in_(REACHED),
                       Delivery.purpose != PURPOSE_END)
    reached_at = (sa.select(Delivery.recipient_id, sa.func.min(Delivery.sent_at).label("at")).where(reaching)
                  .group_by(Delivery.recipient_id).subquery())
    reached = (sa.select(Delivery.recipient_id, sa.func.min(Delivery.channel).label("channel"))
               .join(reached_at, sa.and_(reached_at.c.recipient_id == Delivery.recipient_id,
                                         reached_at.c.at == Delivery.sent_at))
               .where(reaching).group_by(Delivery.recipient_id).subquery())
    return (sa.select(sa.func.coalesce(Professional.profession, "Profession inconnue").label("profession"),
                      firsts.c.at.label("first_at"), first_via.c.via.label("via"), reached.c.channel.label("channel"))
            .select_from(AlertRecipient)
            .outerjoin(Professional, Professional.id == AlertRecipient.professional_id)
            .outerjoin(firsts, firsts.c.recipient_id == AlertRecipient.id)
            .outerjoin(first_via, first_via.c.recipient_id == AlertRecipient.id)
            .outerjoin(reached, reached.c.recipient_id == AlertRecipient.message_recipient_id)
            .where(asked).subquery())


def _shares(person: sa.Subquery, start: datetime, group: sa.ColumnElement | None) -> list[tuple]:
    """People, answered, answered within each threshold, and the earliest answer, per ``group`` (None: in all)."""
    within = [sa.func.coalesce(sa.func.sum(sa.case((person.c.first_at <= start + timedelta(minutes=m), 1),
                                                   else_=0)), 0) for m in THRESHOLDS]
    columns = [sa.func.count(), sa.func.count(person.c.first_at), *within, sa.func.min(person.c.first_at)]
    if group is None:
        return [(None, *db.session.execute(sa.select(*columns)).one())]
    return [tuple(row) for row in db.session.execute(sa.select(group, *columns).group_by(group)
                                                     .order_by(sa.func.count().desc(), group))]


def _row(label: str, people: int, answered: int, within: list[int]) -> dict:
    return {"label": label, "people": people, "answered": answered,
            "within": {str(m): n for m, n in zip(THRESHOLDS, within, strict=True)},
            "share": {str(m): round(100 * n / people) if people else 0 for m, n in zip(THRESHOLDS, within,
                                                                                       strict=True)}}


def _rows(rows: list[tuple], labels: dict | None = None) -> list[dict]:
    return [_row((labels or {}).get(key, key) if labels is not None else key, people, answered,
                 [int(n) for n in within])
            for key, people, answered, *within, _first in rows]


def measure(drill: Drill) -> dict | None:
    """The drill's figures; None before it left."""
    alert = db.session.get(Alert, drill.alert_id) if drill.alert_id else None
    if alert is None or drill.launched_at is None:
        return None
    start = alert.created_at
    person = _per_person(alert)
    [(_, people, answered, *within, first_at)] = _shares(person, start, None)
    return {"people": people, "answered": answered,
            "unreachable": alert.unreachable_count + alerts.people_counts(alert)["failed"],
            "first_answer_seconds": int((first_at - start).total_seconds()) if first_at else None,
            "total": _row("Ensemble", people, answered, [int(n) for n in within]),
            "by_profession": _rows(_shares(person, start, person.c.profession)),
            "by_channel": _rows(_shares(person, start, person.c.channel), CHANNEL_LABELS),
            "by_via": _rows(_shares(person, start, person.c.via), VIA_LABELS)}


def comparison_chart(drill: Drill, figures: dict, before: Drill | None, before_figures: dict | None) -> Markup:
    """Share answered within 5 / 15 / 30 minutes: this drill beside the previous one (inline SVG, core.charts)."""
    items: list[tuple[str, float]] = []
    for minutes in THRESHOLDS:
        key = str(minutes)
        items.append((f"En {minutes} min — cet exercice", figures["total"]["share"][key]))
        if before is not None and before_figures is not None:
            items.append((f"En {minutes} min — précédent ({paris_date(before.launched_at)})",
                          before_figures["total"]["share"][key]))
    return bars(items, title="Part des personnes sollicitées ayant répondu", unit=" %")
