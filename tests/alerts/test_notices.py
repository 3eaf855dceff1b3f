"""Messages Vigie sends by itself, group rooms, and the per-channel token buckets."""

import time

import sqlalchemy as sa

from crisis_app.alerts import services
from crisis_app.alerts.models import Alert
from crisis_app.core.db import db
from crisis_app.core.notifications.models import Delivery, Message, OutboxMessage
from crisis_app.core.notifications.ratelimit import TokenBuckets
from crisis_app.stock import checks
from crisis_app.stock.models import StockWarning, WarningKind
from tests import services as test_services
from tests.alerts.conftest import alert_data
from tests.factories import reachable_professional


def test_stock_warnings_reach_the_referents_by_email(db_session, eager):
    referent = reachable_professional(crisis_role="referent")
    reachable_professional()  # not a référent: not told
    warning = StockWarning(kind=WarningKind.EXPIRING, tone="warn", message="Masques FFP2 : 40 expirent bientôt")
    assert checks.notify_referents([warning]) == 1
    notice = db.session.scalar(sa.select(Message).where(Message.topic == checks.TOPIC))
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert message.address == referent.email and "Masques FFP2 : 40 expirent bientôt" in message.body
    assert notice.subject == "Stock : 1\u00a0alerte"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0  # a message, not an alert


def test_no_warning_no_message(db_session, eager):
    reachable_professional(crisis_role="referent")
    assert checks.notify_referents([]) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_a_room_gets_one_message_per_alert(app, monkeypatch, referent, audience, live_channels, eager, sms_gateway):
    monkeypatch.setitem(app.config, "ROOM_CHANNELS",
                        {"cellule": f"json://127.0.0.1:{sms_gateway.port}/room?:room=cellule"})
    alert = services.send_alert(actor=referent, data=alert_data(audience, channels=["sms", "room:cellule"]))
    rooms = db.session.scalars(sa.select(Delivery).where(Delivery.message_id == alert.message_id,
                                                         Delivery.channel == "room:cellule")).all()
    assert len(rooms) == 1 and rooms[0].state.value == "sent"
    assert sum(1 for m in sms_gateway.received if m.get("room") == "cellule") == 1
    assert "/r/" not in next(m for m in sms_gateway.received if m.get("room"))["message"]  # no personal link


def test_local_token_bucket_paces_sends_to_the_contract():
    """Ten sends at 5 per second: five in the burst, then one every 0.2 s (on a simulated clock)."""
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    buckets = TokenBuckets({"sms": 5.0}, clock=lambda: now[0])
    sent_at = []
    for _ in range(10):
        buckets.acquire("sms", sleep=sleep)
        sent_at.append(round(now[0], 3))
    assert sent_at == [0.0] * 5 + [0.2, 0.4, 0.6, 0.8, 1.0]
    assert TokenBuckets({"sms": 0}).wait_time("sms") == 0.0  # 0 lifts the limit


def test_redis_token_bucket_is_shared_between_processes():
    import pytest

    if test_services.redis_error():
        if test_services.REQUIRE_SERVICES:
            pytest.fail("Redis is required")
        pytest.skip("Redis unreachable")
    prefix = f"vigie:test:{time.time_ns()}:"
    first = TokenBuckets({"sms": 2.0}, test_services.REDIS_URL, prefix=prefix)
    second = TokenBuckets({"sms": 2.0}, test_services.REDIS_URL, prefix=prefix)
    assert first.wait_time("sms") == 0.0 and second.wait_time("sms") == 0.0  # the burst of 2, shared
    assert first.wait_time("sms") > 0 and second.wait_time("sms") > 0
