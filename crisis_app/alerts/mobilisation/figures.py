"""The follow-up of a mobilisation: per profession asked, confirmed / N, reserve, silent, no; the waves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crisis_app.alerts.mobilisation import rules
from crisis_app.alerts.mobilisation.models import AlertQuota, AlertWave, QuotaStatus
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.db import db
from crisis_app.directory.validation import PROFESSIONS


def quotas(alert: Alert) -> list[dict[str, Any]]:
    """One row per quota, in the order asked; empty for an alert without quotas (one query then)."""
    rows = db.session.scalars(sa.select(AlertQuota).where(AlertQuota.alert_id == alert.id)
                              .order_by(AlertQuota.id)).all()
    if not rows:
        return []
    yes = rules.yes_codes(alert.question_kind, alert.options)
    tally = db.session.execute(
        sa.select(AlertRecipient.quota_id, AlertRecipient.quota_status, AlertRecipient.answer_code, sa.func.count())
        .where(AlertRecipient.alert_id == alert.id, AlertRecipient.quota_id.isnot(None))
        .group_by(AlertRecipient.quota_id, AlertRecipient.quota_status, AlertRecipient.answer_code)).all()
    figures = []
    for quota in rows:
        mine = [(status, code, n) for quota_id, status, code, n in tally if quota_id == quota.id]
        figures.append({
            "profession_code": quota.profession_code,
            "profession": PROFESSIONS.get(quota.profession_code, quota.profession_code),
            "count": quota.target, "confirmed": quota.confirmed, "complete": quota.confirmed >= quota.target,
            "completed_at": quota.completed_at,
            "asked": sum(n for _, _, n in mine),
            "reserve": sum(n for status, _, n in mine if status == QuotaStatus.RESERVE),
            "silent": sum(n for _, code, n in mine if code is None),
            "no": sum(n for _, code, n in mine if code is not None and code not in yes),
        })
    return figures


def waves(alert: Alert) -> dict[str, Any]:
    """The waves in order (audience, wait, when it left, how many it asked) and when the next one is due."""
    rows = db.session.scalars(sa.select(AlertWave).where(AlertWave.alert_id == alert.id)
                              .order_by(AlertWave.position)).all()
    due = rules.next_wave_due([rules.WaveState(w.position, w.wait_minutes, w.launched_at) for w in rows])
    counted = db.session.execute(sa.select(AlertQuota.profession_code, AlertQuota.target, AlertQuota.confirmed)
                                 .where(AlertQuota.alert_id == alert.id)).all()
    complete = bool(counted) and not rules.short_professions(counted)
    return {"items": [{"position": w.position + 1, "audience_id": w.audience_id, "audience_name": w.audience_name,
                       "wait_minutes": w.wait_minutes, "launched_at": w.launched_at, "asked": w.asked}
                      for w in rows],
            "complete": complete, "next_due_at": due[1] if due and not complete else None}


def next_due_at(alert: Alert) -> datetime | None:
    return waves(alert)["next_due_at"]


def reserve(alert: Alert) -> list[AlertRecipient]:
    """The people who said yes after their profession was complete, in the order they answered."""
    return list(db.session.scalars(sa.select(AlertRecipient)
                                   .where(AlertRecipient.alert_id == alert.id,
                                          AlertRecipient.quota_status == QuotaStatus.RESERVE)
                                   .order_by(AlertRecipient.answered_at, AlertRecipient.id)))


def follow_up(alert: Alert) -> dict[str, Any] | None:
    """What the alert page shows of a mobilisation (None for an alert without quotas)."""
    rows = quotas(alert)
    if not rows:
        return None
    return {"quotas": rows, "waves": waves(alert), "reserve": reserve(alert)}
