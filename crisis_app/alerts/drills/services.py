"""Planning, launching and cancelling drills of the alert chain.

A drill sends a real alert through ``alerts.services.send_alert`` with ``is_exercise`` set (every message then
says EXERCICE: alerts.messages). It is launched once: a conditional UPDATE from ``scheduled`` claims it, so the
beat and a référent's click racing on the same drill send one alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError

from crisis_app.alerts import services as alerts
from crisis_app.alerts.drills.models import Drill, DrillKind, DrillStatus
from crisis_app.alerts.drills.schemas import DrillInputSchema
from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.timez import PARIS, paris_datetime
from crisis_app.core.vocabulary import QuestionKind

MAX_AHEAD = timedelta(days=366)
# GSM-7 only (no « » — ’): the SMS stays at 160 characters a segment (core.gsm)
DEFAULT_SMS = ("Exercice de la chaine d'alerte de la CPTS : merci de repondre des que vous lisez ce message, "
               "pour mesurer notre delai de mobilisation.")
DEFAULT_EMAIL = ("Ceci est un exercice de la chaîne d'alerte de la CPTS. Merci de répondre dès que vous lisez ce "
                 "message : le délai de vos réponses mesure notre capacité à mobiliser en cas de crise réelle.")


def _invalid(fields: dict) -> ServiceError:
    return ServiceError("validation_error", "Exercice invalide : corrigez les champs signalés.",
                        fields={k: v if isinstance(v, list) else [str(v)] for k, v in fields.items()})


def _utc(moment: datetime) -> datetime:
    """A time typed without a zone is Paris time (the pages show Paris times)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=PARIS)).astimezone(UTC)


def alert_data(drill: Drill) -> dict[str, Any]:
    """What the drill's alert is: the exercise flag, its question, no relance (the chain is measured as it is)."""
    return {"title": f"Exercice d'alerte : {drill.title}", "sms_text": drill.sms_text, "email_text": drill.email_text,
            "audience_id": drill.audience_id or 0, "channels": list(drill.channels), "is_exercise": True,
            "question": drill.question_kind.value, "allow_comment": False, "escalation_max": 0}


def _clean(data: Mapping[str, Any], now: datetime) -> dict:
    try:
        clean = DrillInputSchema().load(dict(data))
    except ValidationError as exc:
        raise _invalid(exc.messages) from None
    if clean["kind"] == DrillKind.SCHEDULED:
        when = _utc(clean["scheduled_for"])
        if not now < when <= now + MAX_AHEAD:
            raise _invalid({"scheduled_for": "Choisissez une date à venir, dans l'année."})
        clean["scheduled_for"] = when
    else:
        clean["scheduled_for"] = None
    return clean


def create_drill(*, actor: User, data: Mapping[str, Any], now: datetime | None = None) -> Drill:
    """Plan a drill (validated as its alert will be); an unannounced one leaves at once, in the same unit."""
    now = now or utcnow()
    clean = _clean(data, now)
    drill = Drill(title=clean["title"].strip(), kind=DrillKind(clean["kind"]), status=DrillStatus.SCHEDULED,
                  audience_id=clean["audience_id"], audience_name="", channels=clean["channels"],
                  question_kind=QuestionKind(clean["question"]),
                  sms_text=(clean.get("sms_text") or DEFAULT_SMS).strip(),
                  email_text=(clean.get("email_text") or DEFAULT_EMAIL).strip(),
                  scheduled_for=clean["scheduled_for"], created_by_id=actor.id, created_at=now)
    _, audience, _ = alerts.validate(alert_data(drill))
    drill.audience_name = audience.name
    db.session.add(drill)
    db.session.flush()
    when = f"programmé le {paris_datetime(drill.scheduled_for)}" if drill.scheduled_for else "inopiné"
    audit.record(actor=actor, action="drill.create", object_type="drill", object_id=drill.id,
                 summary=f"Exercice d'alerte « {drill.title} » ({when}) pour l'audience « {audience.name} »")
    if drill.kind is DrillKind.UNANNOUNCED:
        launch(drill=drill, actor=actor, now=now)
    return drill


def _claim(drill: Drill, status: DrillStatus, now: datetime) -> bool:
    values = {"status": status, "launched_at": now} if status is DrillStatus.LAUNCHED else {"status": status}
    taken = db.session.execute(sa.update(Drill).where(Drill.id == drill.id, Drill.status == DrillStatus.SCHEDULED)
                               .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(drill)
    return bool(taken)


def launch(*, drill: Drill, actor: User, now: datetime | None = None) -> Drill:
    """Send the drill's alert now, once: a drill already launched or cancelled answers 409."""
    now = now or utcnow()
    if not _claim(drill, DrillStatus.LAUNCHED, now):
        raise ServiceError("not_scheduled", f"Cet exercice est déjà {drill.status.label} : il ne part qu'une fois.",
                           status=409)
    alert = alerts.send_alert(actor=actor, data=alert_data(drill))
    drill.alert_id = alert.id
    db.session.flush()
    audit.record(actor=actor, action="drill.launch", object_type="drill", object_id=drill.id,
                 summary=f"Exercice d'alerte « {drill.title} » lancé : "
                         f"{pluriel(len(alert.recipients), 'personne sollicitée', 'personnes sollicitées')}")
    return drill


def cancel(*, drill: Drill, actor: User) -> Drill:
    """Cancel a drill not launched yet."""
    if not _claim(drill, DrillStatus.CANCELLED, utcnow()):
        raise ServiceError("not_scheduled", f"Cet exercice est déjà {drill.status.label} : il ne peut plus être "
                           "annulé.", status=409)
    audit.record(actor=actor, action="drill.cancel", object_type="drill", object_id=drill.id,
                 summary=f"Exercice d'alerte « {drill.title} » annulé")
    return drill


def due_ids(now: datetime) -> list[int]:
    """Scheduled drills whose time has come."""
    return list(db.session.scalars(sa.select(Drill.id).where(Drill.status == DrillStatus.SCHEDULED,
                                                             Drill.scheduled_for <= now).order_by(Drill.scheduled_for)))


def launch_due_one(*, drill_id: int, now: datetime) -> bool:
    """The beat's launch of one due drill, as the référent who planned it (the sender every message names)."""
    drill = db.session.get(Drill, drill_id)
    actor = db.session.get(User, drill.created_by_id) if drill and drill.created_by_id else None
    if drill is None or drill.status is not DrillStatus.SCHEDULED:
        return False
    if actor is None or not actor.may("drills.manage"):
        raise ServiceError("no_sender", "Le compte qui a programmé l'exercice n'existe plus, est désactivé ou ne "
                           "peut plus lancer d'exercice.")
    launch(drill=drill, actor=actor, now=now)
    return True


def record_failure(*, drill_id: int, reason: str) -> None:
    """A due drill that could not leave says why on its page (and is not tried again every minute)."""
    db.session.execute(sa.update(Drill).where(Drill.id == drill_id, Drill.status == DrillStatus.SCHEDULED)
                       .values(status=DrillStatus.FAILED, launch_error=reason[:300]))
    audit.record(actor=None, action="drill.failed", object_type="drill", object_id=drill_id,
                 summary=f"Exercice d'alerte non lancé : {reason[:200]}")


def list_drills(limit: int = 200) -> list[Drill]:
    return list(db.session.scalars(sa.select(Drill).order_by(
        sa.func.coalesce(Drill.launched_at, Drill.scheduled_for, Drill.created_at).desc(), Drill.id.desc())
        .limit(limit)))


def previous(drill: Drill) -> Drill | None:
    """The drill launched just before this one (the comparison on its page and in its report)."""
    if drill.launched_at is None:
        return None
    return db.session.scalar(sa.select(Drill).where(Drill.status == DrillStatus.LAUNCHED, Drill.alert_id.isnot(None),
                                                    Drill.id != drill.id,
                                                    sa.or_(Drill.launched_at < drill.launched_at,
                                                           sa.and_(Drill.launched_at == drill.launched_at,
                                                                   Drill.id < drill.id)))
                             .order_by(Drill.launched_at.desc(), Drill.id.desc()).limit(1))


def launched_in(start: datetime, end: datetime) -> list[Drill]:
    """Drills launched in [start, end): preparation exercises of the plan (crises.mission, the annual report)."""
    return list(db.session.scalars(sa.select(Drill).where(Drill.status == DrillStatus.LAUNCHED,
                                                          Drill.launched_at >= start, Drill.launched_at < end)
                                   .order_by(Drill.launched_at)))


def launched_count(start: datetime, end: datetime) -> int:
    """How many drills left in [start, end)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Drill).where(
        Drill.status == DrillStatus.LAUNCHED, Drill.launched_at >= start, Drill.launched_at < end)) or 0
