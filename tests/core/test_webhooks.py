"""The outbox's incoming edge (core.notifications.webhooks): provider calls are signed with a timestamp and refused
when unsigned, badly signed, stale or re-timed; receipts mark the outbox's deliveries; SMS replies go to the handler
the message's domain registered, the domain whose SMS reached the number last first."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import Delivery, DeliveryState
from tests.core.webhooks import SECRET, signed

NUMBER = "+33639989902"


@pytest.fixture
def secret(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", SECRET)


@pytest.fixture
def handlers(monkeypatch):
    """Two domains' reply handlers (the real registry, restored after the test); each records what it took."""
    taken: list[tuple[str, str]] = []
    monkeypatch.setattr(outbox, "_REPLY_HANDLERS", {})

    def handler(topic, *, takes=True):
        def take(reply):
            if reply.text == "replay":
                raise ServiceError("replayed", "Cette réponse SMS a déjà été reçue.", status=409)
            if takes:
                taken.append((topic, reply.text))
            return takes

        outbox.reply_handler(topic)(take)

    return taken, handler


def _sms(topic: str):
    message = outbox.send_message(topic=topic, subject="Question", sms_text="Répondez 1 ou 2",
                                  recipients=[outbox.Recipient(name="Anne Martin", sms=NUMBER)], channels=("sms",))
    db.session.flush()
    return message


def _unmatched() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "outbox.reply_unmatched"))


def test_unsigned_badly_signed_stale_or_re_timed_calls_are_refused(app, client, secret, handlers):
    taken, handler = handlers
    handler("test.poll")
    body = {"id": "sms-1", "from": NUMBER, "text": "1"}
    assert client.post("/api/v1/webhooks/sms-replies", json=body).status_code == 401
    bad = {"X-Vigie-Signature": "sha256=" + "0" * 64, "X-Vigie-Timestamp": str(int(time.time()))}
    assert client.post("/api/v1/webhooks/sms-replies", json=body, headers=bad).status_code == 401
    stale_raw, stale_headers = signed(app, body, at=time.time() - 3600)
    assert client.post("/api/v1/webhooks/sms-replies", data=stale_raw, headers=stale_headers).status_code == 401
    raw, headers = signed(app, body)
    re_timed = dict(headers, **{"X-Vigie-Timestamp": str(int(time.time()) + 1)})  # the signature covers the time
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=re_timed).status_code == 401
    receipt_raw, _ = signed(app, {"reference": "x", "status": "delivered"})
    assert client.post("/api/v1/webhooks/receipts", data=receipt_raw,
                       headers=dict(bad, **{"Content-Type": "application/json"})).status_code == 401
    assert taken == []
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    assert taken == [("test.poll", "1")]


def test_webhooks_are_off_without_a_secret(app, client, monkeypatch, handlers):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "")
    response = client.post("/api/v1/webhooks/receipts", json={"reference": "x", "status": "delivered"})
    assert response.status_code == 401 and "VIGIE_WEBHOOK_SECRET" in response.json["error"]["message"]


def test_a_delivery_receipt_marks_the_delivery(app, client, secret, db_session):
    message = _sms("test.poll")
    delivery = db.session.scalar(sa.select(Delivery).where(Delivery.message_id == message.id))
    raw, headers = signed(app, {"reference": delivery.reference, "status": "delivered"})
    assert client.post("/api/v1/webhooks/receipts", data=raw, headers=headers).status_code == 204
    db.session.expire_all()
    assert delivery.delivered_at is not None
    db.session.execute(sa.update(Delivery).where(Delivery.id == delivery.id).values(state=DeliveryState.SENT))
    raw, headers = signed(app, {"reference": delivery.reference, "status": "failed", "error": "numéro inconnu"})
    assert client.post("/api/v1/webhooks/receipts", data=raw, headers=headers).status_code == 204
    db.session.expire_all()
    assert delivery.state is DeliveryState.PERMANENT_FAILURE and delivery.last_error == "numéro inconnu"


def test_a_reply_goes_to_the_domain_whose_sms_reached_the_number_last(app, client, secret, handlers, db_session):
    taken, handler = handlers
    handler("test.a")
    handler("test.b")
    _sms("test.a")
    _sms("test.b")
    raw, headers = signed(app, {"id": "sms-2", "from": NUMBER, "text": "1"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    _sms("test.a")
    raw, headers = signed(app, {"id": "sms-3", "from": NUMBER, "text": "2"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    assert taken == [("test.b", "1"), ("test.a", "2")]


def test_a_reply_no_domain_takes_is_audited_and_nothing_else(app, client, secret, handlers, db_session):
    taken, handler = handlers
    handler("test.a", takes=False)
    _sms("test.a")
    before = _unmatched()
    raw, headers = signed(app, {"id": "sms-4", "from": NUMBER, "text": "1"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    assert taken == [] and _unmatched() == before + 1


def test_a_refusal_of_the_domain_s_handler_is_the_answer(app, client, secret, handlers, db_session):
    _, handler = handlers
    handler("test.a")
    raw, headers = signed(app, {"id": "sms-5", "from": NUMBER, "text": "replay"})
    response = client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "replayed"


def test_counts_by_state_add_up_the_channels(db_session):
    message = _sms("test.a")
    assert outbox.counts_by_state(message.id) == {"queued": 1}
    assert outbox.counts_by_channel(message.id) == {"sms": {"queued": 1}}


def test_an_unmatched_reply_replayed_is_taken_once(app, client, secret, handlers, db_session):
    taken, handler = handlers
    handler("test.a", takes=False)
    before = _unmatched()
    raw, headers = signed(app, {"id": "sms-unmatched-1", "from": NUMBER, "text": "1"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    raw, headers = signed(app, {"id": "sms-unmatched-1", "from": NUMBER, "text": "1"})
    replay = client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers)
    assert replay.status_code == 409 and replay.json["error"]["code"] == "replayed"
    assert _unmatched() == before + 1


def test_a_reply_a_domain_refused_may_come_again(app, client, secret, handlers, db_session):
    """A refusal rolls the whole unit back, the record of its arrival included: the provider's retry is heard."""
    taken, handler = handlers
    handler("test.a")
    raw, headers = signed(app, {"id": "sms-again", "from": NUMBER, "text": "replay"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 409
    raw, headers = signed(app, {"id": "sms-again", "from": NUMBER, "text": "1"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    assert taken == [("test.a", "1")]


@pytest.mark.postgres
def test_twelve_identical_replies_at_once_answer_one_204_and_eleven_409(app, monkeypatch):
    """Real concurrent transactions (one connection each): never a 500, one reply taken."""
    from tests.concurrency import race

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency proof needs PostgreSQL (set VIGIE_TEST_DATABASE_URL); SQLite serialises writers")
    from crisis_app.core.notifications.models import ReceivedReply

    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", SECRET)
    monkeypatch.setattr(outbox, "_REPLY_HANDLERS", {})
    ref = f"sms-race-{time.time_ns()}"
    with app.app_context():
        before = _unmatched()
        last_audit = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
    raw, headers = signed(app, {"id": ref, "from": NUMBER, "text": "1"})

    def post() -> int:
        return app.test_client().post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code

    try:
        statuses = race(app, post, threads=12)
        assert sorted(statuses) == [204] + [409] * 11
        with app.app_context():
            assert _unmatched() == before + 1
    finally:
        with app.app_context():
            db.session.execute(sa.delete(ReceivedReply).where(ReceivedReply.provider_ref == ref))
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.action == "outbox.reply_unmatched",
                                                           AuditEvent.id > last_audit))
            db.session.commit()
