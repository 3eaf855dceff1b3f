"""SMS failover with real Celery worker processes on Redis (the provider state shared in Redis by two pool
processes): the primary provider fails mid-send, every SMS reaches one provider exactly once, one switch is
recorded, and each delivery says which provider sent it."""

from __future__ import annotations

import time
from collections import Counter

import pytest
import redis
import sqlalchemy as sa

from crisis_app.core.db import atomic, db
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import Delivery, DeliveryState, Message, ProviderSwitch
from tests.integration.conftest import celery_worker
from tests.sinks import running_gateway

pytestmark = pytest.mark.integration
PEOPLE = 30


def _wait(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_workers_hand_over_to_the_backup_and_send_each_sms_once(app, monkeypatch, redis_url, tmp_path):
    with running_gateway() as primary, running_gateway() as backup:
        primary.fail_after = 7  # takes seven SMS, then answers 503
        urls = {"VIGIE_SMS_URL": f"json://127.0.0.1:{primary.port}/sms?:to={{to}}",
                "VIGIE_SMS_BACKUP_URL": f"json://127.0.0.1:{backup.port}/sms?:to={{to}}"}
        monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
        monkeypatch.setitem(app.config, "SMS_URL", urls["VIGIE_SMS_URL"])
        # one send at a time per process and a switch at the first failure: every batch that meets the failing
        # provider moves its unsent SMS at once (a failure the rule does not act on would wait for the sweeper's
        # retry, 30 s later, and this test runs no beat); the threshold itself is tested in tests/core
        env = {**urls, "VIGIE_DELIVERY": "live", "REDIS_URL": redis_url, "VIGIE_RATE_SMS": "0",
               "VIGIE_ALERT_BATCH_SIZE": "5", "VIGIE_SEND_THREADS": "1", "VIGIE_SMS_FAILOVER_ERRORS": "1"}
        with app.app_context():
            audit_mark = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0)))
            switch_mark = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(ProviderSwitch.id), 0)))
        try:
            with celery_worker(app, redis_url, tmp_path, env=env, pool="prefork", concurrency=2):
                with app.app_context():
                    with atomic():
                        message = outbox.send_message(
                            topic="stock.warnings", subject="Canicule", sms_text="Renfort demandé demain 8 h.",
                            recipients=[outbox.Recipient(name=f"Infirmière {i}", sms=f"+3363997{i:04d}")
                                        for i in range(PEOPLE)], channels=("sms",))
                    message_id = message.id
                assert _wait(lambda: len(primary.received) + len(backup.received) >= PEOPLE)
                time.sleep(1.5)  # anything sent twice would show up now
            with app.app_context():
                rows = db.session.execute(sa.select(Delivery.address, Delivery.state, Delivery.provider)
                                          .where(Delivery.message_id == message_id)).all()
                switches = db.session.execute(sa.select(ProviderSwitch.from_provider, ProviderSwitch.to_provider)
                                              .where(ProviderSwitch.id > switch_mark)).all()
        finally:
            with app.app_context():
                db.session.execute(sa.delete(Message).where(Message.topic == "stock.warnings",
                                                            Message.subject == "Canicule"))
                db.session.execute(sa.delete(ProviderSwitch).where(ProviderSwitch.id > switch_mark))
                db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > audit_mark))
                db.session.commit()
            redis.Redis.from_url(redis_url).delete("vigie:provider:sms")

    by_primary = [m["to"] for m in primary.received]
    by_backup = [m["to"] for m in backup.received]
    assert len(by_primary) == 7
    assert Counter(by_primary + by_backup) == Counter(r.address for r in rows)  # each once, none missing
    assert {r.state for r in rows} == {DeliveryState.SENT}
    provider_of = {r.address: r.provider for r in rows}
    assert {provider_of[n] for n in by_primary} == {"primary"} and {provider_of[n] for n in by_backup} == {"backup"}
    assert [tuple(s) for s in switches] == [("primary", "backup")]
