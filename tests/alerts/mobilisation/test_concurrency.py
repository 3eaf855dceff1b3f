"""Parallel yeses on PostgreSQL never confirm more than N: the quota's guarded UPDATE is the arbiter."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services
from crisis_app.alerts.mobilisation import services as mobilisation
from crisis_app.alerts.mobilisation.models import AlertQuota, AlertWave
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.db import atomic, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional
from tests import factories
from tests.alerts.conftest import alert_data
from tests.alerts.mobilisation.conftest import IDE, person
from tests.concurrency import race

TARGET, PEOPLE = 3, 12
SWEEPERS = 4


@pytest.mark.postgres
def test_twelve_parallel_yeses_for_three_places_confirm_three_and_keep_nine_in_reserve(app, queued):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    tag = uuid.uuid4().hex[:6]
    with app.app_context():
        audit_mark = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
        referent = factories.user(role=Role.CRISIS_REFERENT, email=f"quota-{tag}@test.example.org")
        people = [person(IDE) for _ in range(PEOPLE)]
        audience = audiences.save_audience(actor=referent, data={"name": f"Quota {tag}", "kind": "list",
                                                                 "professional_ids": [p.id for p in people]})
        alert = services.send_alert(actor=referent, data=alert_data(
            audience, channels=["sms"], quotas=[{"profession": "IDE", "count": TARGET}]))
        ids = {"alert": alert.id, "message": alert.message_id, "audience": audience.id, "referent": referent.id,
               "people": [p.id for p in people]}
        recipient_ids = list(db.session.scalars(sa.select(AlertRecipient.id)
                                                .where(AlertRecipient.alert_id == alert.id)))
    pending = list(recipient_ids)

    def answer() -> bool:
        recipient_id = pending.pop()  # list.pop is atomic under the GIL: one person per thread
        try:
            recipient = db.session.get(AlertRecipient, recipient_id)
            return services.record_answer(recipient=recipient, code="1", comment=None, via="lien") is not None
        except ServiceError:
            return False
        finally:
            db.session.remove()

    try:
        assert race(app, answer, threads=PEOPLE) == [True] * PEOPLE
        with app.app_context():
            quota = db.session.scalar(sa.select(AlertQuota).where(AlertQuota.alert_id == ids["alert"]))
            statuses = db.session.scalars(sa.select(AlertRecipient.quota_status)
                                          .where(AlertRecipient.alert_id == ids["alert"])).all()
            assert quota.confirmed == TARGET and quota.completed_at is not None
            assert sorted(statuses) == ["confirmed"] * TARGET + ["reserve"] * (PEOPLE - TARGET)
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Alert).where(Alert.id == ids["alert"]))
            db.session.execute(sa.delete(Message).where(Message.id == ids["message"]))
            db.session.execute(sa.delete(Audience).where(Audience.id == ids["audience"]))
            db.session.execute(sa.delete(Professional).where(Professional.id.in_(ids["people"])))
            db.session.execute(sa.delete(User).where(User.id == ids["referent"]))
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > audit_mark))
            db.session.commit()


@pytest.mark.postgres
def test_four_sweepers_at_the_same_moment_launch_the_next_wave_once(app, queued):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    from datetime import timedelta

    tag = uuid.uuid4().hex[:6]
    with app.app_context():
        audit_mark = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
        referent = factories.user(role=Role.CRISIS_REFERENT, email=f"wave-{tag}@test.example.org")
        first, then = [person(IDE) for _ in range(2)], [person(IDE) for _ in range(5)]
        commune = audiences.save_audience(actor=referent, data={"name": f"Commune {tag}", "kind": "list",
                                                                "professional_ids": [p.id for p in first]})
        territory = audiences.save_audience(actor=referent, data={"name": f"Territoire {tag}", "kind": "list",
                                                                  "professional_ids": [p.id for p in first + then]})
        alert = services.send_alert(actor=referent, data=alert_data(
            commune, channels=["sms"], quotas=[{"profession": "IDE", "count": 4}],
            waves=[{"audience_id": commune.id, "wait_minutes": 10}, {"audience_id": territory.id, "wait_minutes": 10}]))
        ids = {"alert": alert.id, "message": alert.message_id, "audiences": [commune.id, territory.id],
               "referent": referent.id, "people": [p.id for p in first + then]}
        later = alert.created_at + timedelta(minutes=11)

    def sweep() -> bool:
        try:
            with atomic():
                return mobilisation.advance(later) >= 0
        finally:
            db.session.remove()

    try:
        assert race(app, sweep, threads=SWEEPERS) == [True] * SWEEPERS
        with app.app_context():
            waves = db.session.execute(sa.select(AlertRecipient.wave, sa.func.count())
                                       .where(AlertRecipient.alert_id == ids["alert"])
                                       .group_by(AlertRecipient.wave).order_by(AlertRecipient.wave)).all()
            assert [tuple(w) for w in waves] == [(0, 2), (1, 5)]  # the five beyond, once each
            asked = db.session.scalar(sa.select(AlertWave.asked).where(AlertWave.alert_id == ids["alert"],
                                                                       AlertWave.position == 1))
            assert asked == 5
            launches = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "alert.wave", AuditEvent.object_id == str(ids["alert"])))
            assert launches == 1
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Alert).where(Alert.id == ids["alert"]))
            db.session.execute(sa.delete(Message).where(Message.id == ids["message"]))
            db.session.execute(sa.delete(Audience).where(Audience.id.in_(ids["audiences"])))
            db.session.execute(sa.delete(Professional).where(Professional.id.in_(ids["people"])))
            db.session.execute(sa.delete(User).where(User.id == ids["referent"]))
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > audit_mark))
            db.session.commit()
