"""Two workers handed the same batch at the same moment (a redelivered task, a sweeper racing a worker) send
each message once: the claim is a conditional UPDATE the database arbitrates.

Each thread has its own app context and connection on committed data, on PostgreSQL (SQLite serialises writers).
"""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services
from crisis_app.alerts.models import Alert
from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications import engine
from crisis_app.core.notifications.models import Delivery, DeliveryState, Message
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional
from tests import factories
from tests.alerts.conftest import alert_data

PEOPLE = 30
WORKERS = 4


@pytest.mark.postgres
def test_the_same_batch_run_by_four_workers_at_once_sends_each_message_once(app, live_channels, queued,
                                                                            sms_gateway):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    tag = uuid.uuid4().hex[:6]
    with app.app_context():
        audit_mark = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
        referent = factories.user(role=Role.CRISIS_REFERENT, email=f"race-{tag}@test.example.org")
        people = [factories.reachable_professional() for _ in range(PEOPLE)]
        audience = audiences.save_audience(actor=referent, data={"name": f"Course {tag}", "kind": "list",
                                                                 "professional_ids": [p.id for p in people]})
        alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["sms"]))
        ids = {"alert": alert.id, "message": alert.message_id, "audience": audience.id, "referent": referent.id,
               "people": [p.id for p in people]}
        batch = list(db.session.scalars(sa.select(Delivery.id).where(Delivery.message_id == alert.message_id)))
    start = threading.Barrier(WORKERS)
    figures = []

    def worker():
        with app.app_context():
            start.wait()
            figures.append(engine.send_deliveries(batch))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sum(f["sent"] for f in figures) == PEOPLE
        assert len(sms_gateway.received) == PEOPLE
        with app.app_context():
            states = db.session.scalars(sa.select(Delivery.state).where(Delivery.message_id == ids["message"])).all()
        assert states == [DeliveryState.SENT] * PEOPLE
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Alert).where(Alert.id == ids["alert"]))
            db.session.execute(sa.delete(Message).where(Message.id == ids["message"]))
            db.session.execute(sa.delete(Audience).where(Audience.id == ids["audience"]))
            db.session.execute(sa.delete(Professional).where(Professional.id.in_(ids["people"])))
            db.session.execute(sa.delete(User).where(User.id == ids["referent"]))
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > audit_mark))  # later tests count them
            db.session.commit()
