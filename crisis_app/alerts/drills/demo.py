"""Demo drill: an unannounced drill of last week to the exercise group, with answers spread over the first half
hour, so a new drill's page has a previous one to compare with (its links still open: within the answer window)."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from crisis_app.alerts import services as alerts
from crisis_app.alerts.drills import services
from crisis_app.alerts.drills.models import Drill
from crisis_app.alerts.models import Alert, AlertAnswer, AlertRecipient
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.notifications.models import PURPOSE_END, Delivery, DeliveryState
from crisis_app.core.notifications.registry import available_channels
from crisis_app.core.roles import Role
from crisis_app.directory.audiences.models import Audience


@demo_seeder(order=85)
def seed(rng: random.Random) -> list[str]:
    """Through the services (audit rows included); only the times are set back to last month afterwards."""
    if db.session.scalar(sa.select(Drill.id).limit(1)) is not None:
        return ["Exercices d'alerte : déjà présents, rien d'ajouté"]
    audience = db.session.scalar(sa.select(Audience).where(Audience.for_exercises.is_(True)).limit(1))
    referent = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.CRISIS_REFERENT])
    if audience is None or referent is None:
        return ["Exercices d'alerte : pas d'audience d'exercice, rien d'ajouté"]
    channels = [c.kind for c in available_channels() if c.kind in ("sms", "email")]
    drill = services.create_drill(actor=referent, data={
        "title": "Exercice inopiné de la semaine dernière", "kind": "unannounced", "audience_id": audience.id,
        "channels": channels, "question": "availability"})
    start = utcnow() - timedelta(days=5)
    alert = db.session.get(Alert, drill.alert_id)
    # the demo's old messages count as sent then (and are not sent again now)
    db.session.execute(sa.update(Delivery).where(Delivery.message_id == alert.message_id,
                                                 Delivery.purpose != PURPOSE_END)
                       .values(state=DeliveryState.SENT, sent_at=start + timedelta(seconds=20)))
    answered = 0
    for recipient in alert.recipients:
        if rng.random() < 0.25:
            continue  # silent
        answer = alerts.record_answer(recipient=recipient, code=rng.choice(["1", "1", "2", "4"]), comment=None,
                                      via="lien")
        at = start + timedelta(minutes=rng.choice([2, 4, 7, 9, 12, 18, 26, 41]), seconds=rng.randrange(60))
        db.session.execute(sa.update(AlertAnswer).where(AlertAnswer.id == answer.id).values(at=at))
        db.session.execute(sa.update(AlertRecipient).where(AlertRecipient.id == recipient.id).values(answered_at=at))
        answered += 1
    # then the whole drill is set back to last week
    db.session.execute(sa.update(Drill).where(Drill.id == drill.id).values(launched_at=start, created_at=start))
    db.session.execute(sa.update(Alert).where(Alert.id == alert.id).values(created_at=start))
    db.session.expire_all()
    return [f"Exercices d'alerte : un exercice inopiné il y a cinq jours, {answered} réponse(s) sur "
            f"{len(alert.recipients)}"]
