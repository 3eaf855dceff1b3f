"""Mobilise until N said yes: plan the quotas and waves at send, take a place on each yes, launch the next wave
when a profession is still short after the wait, tell the silent « c'est complet » once, keep later yeses in reserve.

Every step joins the caller's unit of work (``send_alert``, ``record_answer``, or the sweeper's step).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crisis_app.alerts import recipients, signals
from crisis_app.alerts.mobilisation import rules
from crisis_app.alerts.mobilisation.models import AlertQuota, AlertWave, QuotaStatus
from crisis_app.alerts.models import Alert, AlertRecipient, AlertStatus
from crisis_app.core import audit, audit_labels
from crisis_app.core.db import db
from crisis_app.core.formats import pluriel
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import DeliveryPurpose, MessageRecipient
from crisis_app.core.vocabulary import QuestionKind
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.validation import PROFESSIONS

PURPOSE_COMPLETE = DeliveryPurpose.COMPLETE  # a delivery telling a silent person « merci, c'est complet »
audit_labels.register_labels(actions={"alert.wave": "Vague suivante d'une alerte",
                                     "alert.complete": "« C'est complet » envoyé aux personnes sans réponse"})


@dataclass
class Plan:
    """What the référent asked: N per profession, and the waves in order (the alert's audience first), each with the
    minutes it waits before the next."""

    quotas: dict[str, int] = field(default_factory=dict)  # profession code → N
    waves: list[tuple[Audience, int]] = field(default_factory=list)  # every wave, the first is the alert's audience

    def __bool__(self) -> bool:
        return bool(self.quotas)


def check(clean: Mapping[str, Any], audience: Audience | None) -> tuple[dict[str, list[str]], Plan]:
    """The quotas and waves of a composed alert, or the errors to show per field (nothing is written)."""
    errors: dict[str, list[str]] = {}
    plan = Plan()
    for quota in clean.get("quotas") or []:
        code = rules.profession_code(quota["profession"])
        if code is None:
            errors.setdefault("quotas", []).append(f"Profession inconnue : « {quota['profession'][:60]} ».")
        elif code in plan.quotas:
            errors.setdefault("quotas", []).append(f"{PROFESSIONS[code]} est demandé deux fois.")
        else:
            plan.quotas[code] = quota["count"]
    waves = clean.get("waves") or []
    if waves and not clean.get("quotas"):
        errors["waves"] = ["Les vagues supposent un nombre de personnes à trouver par profession (quotas)."]
    if plan.quotas and QuestionKind(clean["question"]) not in rules.QUOTA_QUESTIONS:
        errors["quotas"] = ["Un quota compte des « oui » : choisissez la réponse « Disponibilité »."]
    if waves and audience is not None and waves[0]["audience_id"] != audience.id:
        errors["waves"] = ["La première vague est l'audience de l'alerte : commencez la liste par elle."]
    for wave in waves:
        found = db.session.get(Audience, wave["audience_id"])
        if found is None:
            errors["waves"] = [f"Audience introuvable : {wave['audience_id']}."]
        elif found.for_exercises and not clean.get("is_exercise"):
            errors["waves"] = [f"L'audience « {found.name} » est réservée aux exercices."]
        else:
            plan.waves.append((found, wave["wait_minutes"]))
    if plan.quotas and not plan.waves and audience is not None:
        plan.waves = [(audience, 0)]
    return errors, plan


def narrow(people: list[Professional], plan: Plan) -> list[Professional]:
    """With quotas, a wave asks only the professions counted (and, after the first, those still short)."""
    return [p for p in people if p.profession_code in plan.quotas] if plan else people


def start(alert: Alert, plan: Plan) -> dict[str, int]:
    """Write the quotas and waves (the first one leaves now, with the alert); their ids per profession."""
    quotas = [AlertQuota(alert_id=alert.id, profession_code=code, target=n) for code, n in plan.quotas.items()]
    db.session.add_all(quotas)
    db.session.add_all(AlertWave(alert_id=alert.id, position=i, audience_id=audience.id,
                                 audience_name=audience.name, wait_minutes=wait,
                                 launched_at=alert.created_at if i == 0 else None)
                       for i, (audience, wait) in enumerate(plan.waves))
    db.session.flush()
    return {q.profession_code: q.id for q in quotas}


# --- answers ------------------------------------------------------------------------------------------------

def settle_answer(recipient: AlertRecipient, code: str, now: datetime) -> str | None:
    """What a yes or a no does to the person's quota, decided in the database: ``confirmed`` grows only while it is
    below ``target`` (one guarded UPDATE … RETURNING: parallel yeses never pass N), a late yes is ``reserve``, a
    confirmed yes turned no frees its place. None (and no statement) when the person counts for no quota."""
    if recipient.quota_id is None:
        return None
    alert = recipient.alert
    yes = code in rules.yes_codes(alert.question_kind, alert.options)
    held = recipient.quota_status == QuotaStatus.CONFIRMED
    step = rules.settle(held=held, yes=yes)
    if step == "take":
        taken = db.session.execute(
            sa.update(AlertQuota).where(AlertQuota.id == recipient.quota_id, AlertQuota.confirmed < AlertQuota.target)
            .values(confirmed=AlertQuota.confirmed + 1,
                    completed_at=sa.case((AlertQuota.confirmed + 1 >= AlertQuota.target, now),
                                         else_=AlertQuota.completed_at))
            .returning(AlertQuota.confirmed).execution_options(synchronize_session=False)).first()
        return QuotaStatus.CONFIRMED if taken else QuotaStatus.RESERVE
    if step == "release":
        db.session.execute(sa.update(AlertQuota).where(AlertQuota.id == recipient.quota_id)
                           .values(confirmed=AlertQuota.confirmed - 1, completed_at=None)
                           .execution_options(synchronize_session=False))
        return QuotaStatus.NONE
    return recipient.quota_status if yes else QuotaStatus.NONE


def quota_of(recipient: AlertRecipient) -> AlertQuota | None:
    return db.session.get(AlertQuota, recipient.quota_id) if recipient.quota_id else None


def answer_notice(recipient: AlertRecipient) -> str | None:
    """What the person's answer page says about the quota: complete (before or after they answer), or reserve."""
    if recipient.quota_status == QuotaStatus.RESERVE:
        return ("Merci ! L'effectif demandé était déjà complet : vous êtes inscrit(e) sur la liste de réserve. "
                "La cellule de crise vous appelle si une place se libère.")
    if recipient.quota_status == QuotaStatus.CONFIRMED:
        return None
    quota = quota_of(recipient)
    if quota is not None and quota.confirmed >= quota.target:
        return ("Merci, c'est complet : assez de personnes ont dit oui. Si vous êtes disponible, répondez quand même : "
                "vous serez sur la liste de réserve.")
    return None


# --- the sweeper's step: « c'est complet » once, then the waves that are due ------------------------------------

def advance(now: datetime) -> int:
    """A step of the outbox's sweeper: tell the silent of each complete profession, then launch each due wave;
    each is claimed by a conditional UPDATE, so two sweepers do it once. Returns the deliveries created."""
    return tell_complete(now) + launch_due_waves(now)


def tell_complete(now: datetime) -> int:
    """« Merci, c'est complet » to whoever of a complete profession has not answered, once each."""
    complete = sa.select(AlertQuota.id).join(Alert).where(Alert.status == AlertStatus.ACTIVE,
                                                          AlertQuota.completed_at.isnot(None))
    told = db.session.execute(
        sa.update(AlertRecipient)
        .where(AlertRecipient.quota_id.in_(complete), AlertRecipient.answered_at.is_(None),
               AlertRecipient.told_complete_at.is_(None))
        .values(told_complete_at=now).returning(AlertRecipient.alert_id, AlertRecipient.message_recipient_id)
        .execution_options(synchronize_session=False)).all()
    created = 0
    by_alert: dict[int, list[int]] = {}
    for alert_id, row_id in told:
        if row_id is not None:
            by_alert.setdefault(alert_id, []).append(row_id)
    for alert_id, row_ids in by_alert.items():
        alert = db.session.get(Alert, alert_id)
        rows = db.session.scalars(sa.select(MessageRecipient).where(MessageRecipient.id.in_(row_ids))).all()
        # on the channels the alert itself used for them: the first only when it relaunches, else each
        deliveries = [outbox.new_delivery(alert.message, row, c, address=row.address_for(c), purpose=PURPOSE_COMPLETE)
                      for row in rows for c in (row.channels[:1] if alert.escalation_max else row.channels)]
        created += _add(alert, deliveries)
        summary = (f"« Merci, c'est complet » envoyé à {pluriel(len(rows), 'personne', 'personnes')} "
                   f"sans réponse de l'alerte « {alert.title} »")
        audit.record(actor=None, action="alert.complete", object_type="alert", object_id=alert.id, summary=summary)
        signals.alert_mobilised.send(alert, crisis_id=alert.crisis_id, actor=None, summary=summary)
    return created


def _add(alert: Alert, deliveries: list) -> int:
    if alert.message is None or not deliveries:
        return 0
    db.session.add_all(deliveries)
    alert.message.delivery_count = (alert.message.delivery_count or 0) + len(deliveries)
    db.session.flush()
    outbox.enqueue_after_commit(alert.message.id)
    return len(deliveries)


def launch_due_waves(now: datetime) -> int:
    pending = db.session.scalars(
        sa.select(Alert).where(Alert.status == AlertStatus.ACTIVE,
                               Alert.id.in_(sa.select(AlertWave.alert_id).where(AlertWave.launched_at.is_(None))))
    ).all()
    return sum(launch_next_wave(alert, now) for alert in pending)


def launch_next_wave(alert: Alert, now: datetime) -> int:
    """The next wave if it is due and a profession is still short: to people of the short professions of its
    audience who were never asked by this alert. A wave due with nobody short stays unlaunched (it is complete)."""
    waves = db.session.scalars(sa.select(AlertWave).where(AlertWave.alert_id == alert.id)).all()
    due = rules.next_wave_due([rules.WaveState(w.position, w.wait_minutes, w.launched_at) for w in waves])
    if due is None or due[1] > now:
        return 0
    quotas = db.session.scalars(sa.select(AlertQuota).where(AlertQuota.alert_id == alert.id)).all()
    short = rules.short_professions((q.profession_code, q.target, q.confirmed) for q in quotas)
    if not short:
        return 0
    wave = next(w for w in waves if w.position == due[0].position)
    claimed = db.session.execute(sa.update(AlertWave).where(AlertWave.id == wave.id, AlertWave.launched_at.is_(None))
                                 .values(launched_at=now).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return 0
    people = _newcomers(alert, wave, short)
    created = _write_wave(alert, wave.position, people, {q.profession_code: q.id for q in quotas}, now)
    db.session.execute(sa.update(AlertWave).where(AlertWave.id == wave.id).values(asked=created[0])
                       .execution_options(synchronize_session=False))
    summary = (f"Vague {wave.position + 1} de l'alerte « {alert.title} » : « {wave.audience_name} », "
               f"{pluriel(created[0], 'personne', 'personnes')} de plus ("
               f"{', '.join(PROFESSIONS.get(c, c) for c in sorted(short))})")
    audit.record(actor=None, action="alert.wave", object_type="alert", object_id=alert.id, summary=summary)
    signals.alert_mobilised.send(alert, crisis_id=alert.crisis_id, actor=None, summary=summary)
    return created[1]


def _newcomers(alert: Alert, wave: AlertWave, short: set[str]) -> list[Professional]:
    audience = db.session.get(Audience, wave.audience_id) if wave.audience_id else None
    if audience is None:
        return []
    asked = sa.select(AlertRecipient.professional_id).where(AlertRecipient.alert_id == alert.id,
                                                            AlertRecipient.professional_id.isnot(None))
    sender = sa.select(Professional.id).where(Professional.user_id == alert.created_by_id)
    statement = (audiences.statement(audience)
                 .where(Professional.profession_code.in_(short), Professional.id.not_in(asked),
                        Professional.id.not_in(sender))
                 .options(selectinload(Professional.consents)))
    return list(db.session.scalars(statement))


def _write_wave(alert: Alert, position: int, people: list[Professional], quota_ids: Mapping[str, int],
                now: datetime) -> tuple[int, int]:
    """The wave's people added to the alert (alerts.recipients); (people added, deliveries created)."""
    rows, deliveries = recipients.add_people(alert, people, now=now, wave=position, quota_ids=quota_ids)
    return len(rows), deliveries


def quota_ids(alert: Alert) -> dict[str, int]:
    """The alert's quotas by profession code ({} without a mobilisation)."""
    return dict(db.session.execute(sa.select(AlertQuota.profession_code, AlertQuota.id)
                                   .where(AlertQuota.alert_id == alert.id)).all())


def first_wave_asked(alert: Alert, asked: int) -> None:
    db.session.execute(sa.update(AlertWave).where(AlertWave.alert_id == alert.id, AlertWave.position == 0)
                       .values(asked=asked).execution_options(synchronize_session=False))
