"""An alert fanned out by a real Celery worker on Redis to a real SMTP server and a real HTTP SMS gateway."""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import Alert
from crisis_app.core.db import atomic, db
from crisis_app.core.models import AuditEvent, User
from crisis_app.core.notifications.models import Delivery, DeliveryState, Message
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.professionals.models import Professional
from tests import factories
from tests.integration.conftest import celery_worker

pytestmark = pytest.mark.integration
PEOPLE = 25


@pytest.fixture
def live_app(app, monkeypatch, sms_gateway, smtp_server):
    sms_url = f"json://127.0.0.1:{sms_gateway.port}/sms?:to={{to}}"
    smtp_url = f"smtp://127.0.0.1:{smtp_server.port}"
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMS_URL", sms_url)
    monkeypatch.setitem(app.config, "SMTP_URL", smtp_url)
    app.worker_env = {"VIGIE_DELIVERY": "live", "VIGIE_SMS_URL": sms_url, "VIGIE_SMTP_URL": smtp_url,
                      "VIGIE_RATE_SMS": "20", "VIGIE_RATE_EMAIL": "0", "VIGIE_ALERT_BATCH_SIZE": "10"}
    return app


@pytest.fixture
def committed_audience(live_app):
    """Committed data (the worker reads it from its own connection), removed afterwards."""
    tag = uuid.uuid4().hex[:6]
    with live_app.app_context():
        audit_mark = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
        with atomic():  # services join the caller's unit of work: this one commits for the worker to see
            referent = factories.user(role=Role.CRISIS_REFERENT, email=f"referent-{tag}@test.example.org")
            people = [factories.reachable_professional() for _ in range(PEOPLE)]
            audience = audiences.save_audience(actor=referent, data={"name": f"Intégration {tag}", "kind": "list",
                                                                     "professional_ids": [p.id for p in people]})
            ids = {"referent": referent.id, "audience": audience.id, "people": [p.id for p in people]}
    yield ids
    with live_app.app_context():
        messages = sa.select(Alert.message_id).where(Alert.audience_id == ids["audience"]).scalar_subquery()
        db.session.execute(sa.delete(Message).where(Message.id.in_(messages)))
        db.session.execute(sa.delete(Alert).where(Alert.audience_id == ids["audience"]))
        db.session.delete(db.session.get(audiences.Audience, ids["audience"]))
        db.session.execute(sa.delete(Professional).where(Professional.id.in_(ids["people"])))
        db.session.execute(sa.delete(User).where(User.id == ids["referent"]))
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > audit_mark))  # later tests count them
        db.session.commit()


def _wait(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_delivers_every_message_once_on_both_channels(live_app, committed_audience, redis_url, sms_gateway,
                                                             smtp_server, tmp_path):
    with celery_worker(live_app, redis_url, tmp_path, env=live_app.worker_env, pool="prefork", concurrency=2):
        with live_app.app_context():
            referent = db.session.get(User, committed_audience["referent"])
            alert = alert_services.send_alert(actor=referent, data={
                "title": "Intégration", "sms_text": "Test d'intégration", "email_text": "Test d'intégration",
                "audience_id": committed_audience["audience"], "channels": ["sms", "email"],
                "question": "availability"})
            message_id = alert.message_id
        assert _wait(lambda: len(sms_gateway.received) >= PEOPLE and len(smtp_server.messages) >= PEOPLE)
        time.sleep(1)  # anything extra would show up now
    with live_app.app_context():
        rows = db.session.execute(sa.select(Delivery.channel, Delivery.address, Delivery.state)
                                  .where(Delivery.message_id == message_id)).all()
    assert {r.state for r in rows} == {DeliveryState.SENT} and len(rows) == 2 * PEOPLE
    assert sorted(m["to"] for m in sms_gateway.received) == sorted(r.address for r in rows if r.channel == "sms")
    assert sorted(m["to"][0] for m in smtp_server.messages) == sorted(r.address for r in rows if r.channel == "email")
