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


def _per_person(alert: Alert) -> sa.CTE:
    """One row per person asked: profession, first answer (time, way), channel of the first delivery that reached.

    Correlated subqueries on indexed columns (each person's first answer, first reaching delivery): their plan does
    not depend on fresh statistics, where joins of grouped subqueries fell into nested loops on PostgreSQL right
    after a drill's rows were written (13 s for 2,000 people before ANALYZE, see bench/drills.py). A CTE used by
    the four groupings of one statement: each person is read once.
    """
    first = (sa.select(AlertAnswer.at, AlertAnswer.via).where(AlertAnswer.recipient_id == AlertRecipient.id)
             .order_by(AlertAnswer.at, AlertAnswer.id).limit(1))
    reached = (sa.select(Delivery.channel).where(Delivery.recipient_id == AlertRecipient.message_recipient_id,
                                                 Delivery.state.in_(REACHED), Delivery.purpose != PURPOSE_END)
               .order_by(Delivery.sent_at, Delivery.id).limit(1))
    return (sa.select(sa.func.coalesce(Professional.profession, "Profession inconnue").label("profession"),
                      first.with_only_columns(AlertAnswer.at).scalar_subquery().label("first_at"),
                      first.with_only_columns(AlertAnswer.via).scalar_subquery().label("via"),
                      reached.scalar_subquery().label("channel"))
            .select_from(AlertRecipient).outerjoin(Professional, Professional.id == AlertRecipient.professional_id)
            .where(AlertRecipient.alert_id == alert.id).cte("person"))


GROUPINGS = ("total", "profession", "channel", "via")


def _shares(person: sa.CTE, start: datetime) -> dict[str, list[tuple]]:
    """Per grouping (in all, profession, channel, way): people, answered, answered within each threshold, the
    earliest answer; one statement."""
    within = [sa.func.coalesce(sa.func.sum(sa.case((person.c.first_at <= start + timedelta(minutes=m), 1),
                                                   else_=0)), 0) for m in THRESHOLDS]
    measures = [sa.func.count().label("people"), sa.func.count(person.c.first_at).label("answered"),
                *(w.label(f"within_{m}") for w, m in zip(within, THRESHOLDS, strict=True)),
                sa.func.min(person.c.first_at).label("first_at")]
    parts = []
    for name in GROUPINGS:
        key = sa.cast(sa.null() if name == "total" else person.c[name], sa.String(120))
        part = sa.select(sa.literal(name).label("grouping"), key.label("key"), *measures)
        parts.append(part if name == "total" else part.group_by(person.c[name]))
    found: dict[str, list[tuple]] = {name: [] for name in GROUPINGS}
    for grouping, key, *values in db.session.execute(sa.union_all(*parts)):
        found[grouping].append((key, *values))
    for rows in found.values():
        rows.sort(key=lambda row: (-row[1], row[0] or ""))
    return found


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
    shares = _shares(_per_person(alert), start)
    [(_, people, answered, *within, first_at)] = shares["total"]
    return {"people": people, "answered": answered,
            "unreachable": alert.unreachable_count + alerts.people_counts(alert)["failed"],
            "first_answer_seconds": int((first_at - start).total_seconds()) if first_at else None,
            "total": _row("Ensemble", people, answered, [int(n) for n in within]),
            "by_profession": _rows(shares["profession"]),
            "by_channel": _rows(shares["channel"], CHANNEL_LABELS),
            "by_via": _rows(shares["via"], VIA_LABELS)}


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
