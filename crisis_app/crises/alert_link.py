"""What crises reads from the alerts package, in one place: the alerts of a crisis, their answers and figures."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime

import sqlalchemy as sa

from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.notifications.registry import ROOM_PREFIX, available_channels
from crisis_app.core.vocabulary import NOT_AVAILABLE, QuestionKind
from crisis_app.directory.professionals.models import Professional, StructureType


def person_channels() -> list[str]:
    """The person channels configured here (SMS, e-mail), in order of preference."""
    offered = [c.kind for c in available_channels()]
    return [c for c in ("sms", "email") if c in offered] or [c for c in offered if not c.startswith(ROOM_PREFIX)]


def send(*, actor: User, audience_id: int, crisis_id: int, is_exercise: bool, title: str, sms_text: str,
         email_text: str, question: str) -> Alert:
    """Send an alert through the alerts service, in the caller's unit of work (the fan-out leaves after it commits)."""
    return alert_services.send_alert(actor=actor, data={
        "title": title, "sms_text": sms_text, "email_text": email_text, "audience_id": audience_id,
        "channels": person_channels(), "crisis_id": crisis_id, "is_exercise": is_exercise, "question": question})


def get(alert_id: int | None) -> Alert | None:
    return db.session.get(Alert, alert_id) if alert_id else None


def recipients(alert_id: int) -> list[AlertRecipient]:
    return list(db.session.scalars(sa.select(AlertRecipient).where(AlertRecipient.alert_id == alert_id)
                                   .order_by(AlertRecipient.name)))


def alerts_of(crisis_id: int) -> list[Alert]:
    return list(db.session.scalars(sa.select(Alert).where(Alert.crisis_id == crisis_id)
                                   .order_by(Alert.created_at, Alert.id)))


AVAILABILITY_KINDS = (QuestionKind.AVAILABILITY, QuestionKind.LIBERAL)  # both ask "are you available"


def available_people(crisis_id: int) -> list[dict]:
    """People who answered an availability question of this crisis, latest answer per person."""
    rows = db.session.execute(
        sa.select(AlertRecipient, Alert).join(Alert).where(Alert.crisis_id == crisis_id,
                                                           Alert.question_kind.in_(AVAILABILITY_KINDS),
                                                           AlertRecipient.answered_at.isnot(None))
        .order_by(AlertRecipient.answered_at)).all()
    latest: dict = {}
    for recipient, alert in rows:
        latest[recipient.professional_id or f"r{recipient.id}"] = (recipient, alert)
    people = [{"name": r.name, "answer": a.answer_label(r.answer_code, r.answer_value) or r.answer_code,
               "available": r.answer_code != NOT_AVAILABLE, "answered_at": r.answered_at,
               "comment": r.answer_comment, "unavailable_until": r.unavailable_until, "alert_title": a.title}
              for r, a in latest.values()]
    return sorted(people, key=lambda p: (not p["available"], p["name"]))


def asked_of(professional_id: int, crisis_id: int) -> list[dict]:
    """What one person was asked during the crisis, and what they answered (the professional's own view)."""
    rows = db.session.execute(sa.select(AlertRecipient, Alert).join(Alert)
                              .where(Alert.crisis_id == crisis_id, AlertRecipient.professional_id == professional_id)
                              .order_by(Alert.created_at.desc())).all()
    return [{"title": a.title, "sent_at": a.created_at, "text": a.sms_text,
             "answer": a.answer_label(r.answer_code, r.answer_value) if r.answer_code else None,
             "answered_at": r.answered_at}
            for r, a in rows]


def _time_to_half(alert: Alert, answered: list[datetime], total: int) -> float | None:
    if not total or len(answered) < math.ceil(total / 2):
        return None
    return (sorted(answered)[math.ceil(total / 2) - 1] - alert.created_at).total_seconds() / 60


def figures(crisis_id: int) -> dict:
    """Alerts sent, delivery and answer rates per channel, minutes to the first half of the answers."""
    alerts = alerts_of(crisis_id)
    per_channel: dict[str, Counter] = {}
    rows = []
    for alert in alerts:
        counts = alert_services.counts(alert)
        people = recipients(alert.id)
        answered_at = [r.answered_at for r in people if r.answered_at]
        for r in people:
            for channel in r.channels[:1] if alert.escalation_max else r.channels:
                c = per_channel.setdefault(channel, Counter())
                c["recipients"] += 1
                c["answered"] += 1 if r.answered_at else 0
        for channel, states in counts["by_channel"].items():
            c = per_channel.setdefault(channel, Counter())
            c["deliveries"] += sum(states.values())
            c["delivered"] += sum(n for s, n in states.items() if s in ("sent", "answered"))
        rows.append({"id": alert.id, "title": alert.title, "sent_at": alert.created_at,
                     "recipients": counts["recipients"], "answered": counts["answered"],
                     "minutes_to_half": _time_to_half(alert, answered_at, counts["recipients"])})
    channels = {ch: {"deliveries": c["deliveries"], "delivered": c["delivered"],
                     "delivery_rate": round(100 * c["delivered"] / c["deliveries"], 1) if c["deliveries"] else None,
                     "answer_rate": round(100 * c["answered"] / c["recipients"], 1) if c["recipients"] else None}
                for ch, c in sorted(per_channel.items())}
    mobilised = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(AlertRecipient.professional_id))).join(Alert)
        .where(Alert.crisis_id == crisis_id, AlertRecipient.answered_at.isnot(None),
               sa.or_(AlertRecipient.answer_code.is_(None), AlertRecipient.answer_code != NOT_AVAILABLE)))
    return {"alerts": rows, "channels": channels, "mobilised": mobilised or 0}


ANSWER_WINDOWS = (15, 30)  # minutes: the ARS's grid asks how many answered within each


def figures_by_profession(crisis_id: int) -> list[dict]:
    """Per profession, over the crisis's alerts that asked a question: people alerted, answers, answers within
    15 and 30 minutes of the alert, people who said they were available."""
    from crisis_app.directory.professionals.models import Professional

    rows = db.session.execute(
        sa.select(AlertRecipient, Alert, Professional.profession).join(Alert, AlertRecipient.alert_id == Alert.id)
        .outerjoin(Professional, Professional.id == AlertRecipient.professional_id)
        .where(Alert.crisis_id == crisis_id, Alert.question_kind != QuestionKind.NONE)).all()
    groups: dict[str, Counter] = {}
    for recipient, alert, profession in rows:
        c = groups.setdefault(profession or "Profession non renseignée", Counter())
        c["alerted"] += 1
        if recipient.answered_at is None:
            continue
        c["answered"] += 1
        delay = (recipient.answered_at - alert.created_at).total_seconds() / 60
        for window in ANSWER_WINDOWS:
            c[f"within_{window}"] += 1 if delay <= window else 0
        if alert.question_kind in AVAILABILITY_KINDS and recipient.answer_code != NOT_AVAILABLE:
            c["available"] += 1
    return [{"profession": name, "alerted": c["alerted"], "answered": c["answered"],
             "within_15": c["within_15"], "within_30": c["within_30"], "available": c["available"],
             "answer_rate": c["answered"] / c["alerted"] if c["alerted"] else None,
             "rate_15": c["within_15"] / c["alerted"] if c["alerted"] else None,
             "rate_30": c["within_30"] / c["alerted"] if c["alerted"] else None}
            for name, c in sorted(groups.items())]


OPEN_TO_PUBLIC = (StructureType.CABINET, StructureType.MSP, StructureType.CENTRE_SANTE, StructureType.OFFICINE)


def open_structures(crisis_id: int) -> list[dict]:
    """Cabinets, MSP, centres de santé and pharmacies whose professionals said, at their latest answer to an
    availability question of this crisis, that they are available: ``{"name", "kind", "commune", "phone"}`` per
    structure (the structure's own details, no person's)."""
    rows = db.session.execute(
        sa.select(AlertRecipient.professional_id, AlertRecipient.answer_code, Professional)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .join(Professional, Professional.id == AlertRecipient.professional_id)
        .where(Alert.crisis_id == crisis_id, Alert.question_kind.in_(AVAILABILITY_KINDS),
               AlertRecipient.answered_at.isnot(None), Professional.active.is_(True))
        .order_by(AlertRecipient.answered_at)).all()
    latest = {pid: (code, pro) for pid, code, pro in rows}
    places: dict[tuple, dict] = {}
    for code, pro in latest.values():
        if code == NOT_AVAILABLE or pro.structure_type not in OPEN_TO_PUBLIC or not pro.structure_name:
            continue
        key = (pro.structure_name.strip().lower(), (pro.commune_name or "").lower())
        places.setdefault(key, {"name": pro.structure_name.strip(), "kind": pro.structure_type.label,
                                "commune": pro.commune_name or "", "phone": pro.structure_phone or ""})
    return sorted(places.values(), key=lambda p: (p["commune"], p["name"]))
