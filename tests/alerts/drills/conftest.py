"""Drill fixtures: an audience of two professions, a clock the alerts read, and a drill's answers at set times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services as alerts
from crisis_app.alerts.drills import services
from crisis_app.core.db import atomic, db
from crisis_app.core.notifications.models import Delivery
from crisis_app.directory.audiences import services as audiences
from tests import factories

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


class Clock:
    """What ``utcnow`` says in the alerts' services (the alert's time, each answer's time)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(T0)
    monkeypatch.setattr(alerts, "utcnow", clock)
    return clock


@pytest.fixture
def team(referent):
    """Two nurses, two doctors and a pharmacist reachable by SMS and e-mail, and one person with no consent."""
    people = {
        "ide1": factories.reachable_professional(profession_code="60", profession="Infirmier"),
        "ide2": factories.reachable_professional(profession_code="60", profession="Infirmier"),
        "med1": factories.reachable_professional(profession_code="10", profession="Médecin"),
        "med2": factories.reachable_professional(profession_code="10", profession="Médecin"),
        "pha": factories.reachable_professional(profession_code="21", profession="Pharmacien"),
        "none": factories.reachable_professional(channels=()),
    }
    audience = audiences.save_audience(actor=referent, data={"name": "Équipe d'exercice", "kind": "list",
                                                             "professional_ids": [p.id for p in people.values()]})
    return audience, people


def drill_data(audience, **overrides) -> dict:
    data = {"title": "Exercice inopiné", "kind": "unannounced", "audience_id": audience.id,
            "channels": ["sms", "email"], "question": "availability"}
    data.update(overrides)
    return data


def launch_unannounced(referent, audience, **overrides):
    """As the page does: one unit of work."""
    with atomic():
        return services.create_drill(actor=referent, data=drill_data(audience, **overrides))


def set_sent(alert, person, channel: str, *, at: datetime | None, state: str = "sent") -> None:
    """A delivery's outcome at a set time (the engine's own clock is not the test's)."""
    recipient = next(r for r in alert.recipients if r.professional_id == person.id)
    db.session.execute(sa.update(Delivery).where(Delivery.recipient_id == recipient.message_recipient_id,
                                                 Delivery.channel == channel)
                       .values(state=state, sent_at=at))


def answer(clock, alert, person, code: str, *, minutes: float, via: str = "lien"):
    clock.now = alert.created_at + timedelta(minutes=minutes)
    recipient = next(r for r in alert.recipients if r.professional_id == person.id)
    with atomic():
        return alerts.record_answer(recipient=recipient, code=code, comment=None, via=via)
