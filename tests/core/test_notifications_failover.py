"""SMS failover on two real loopback providers: one fails mid-send, everything is delivered once, the switch is
recorded (row, audit, signal, /healthz, the message's page), and Vigie comes back after the quiet period (time
passed in, no sleep). A message that may have left one provider is never sent by the other."""

from __future__ import annotations

import re
import socket
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.audit import AuditEvent
from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications import engine, failover, outbox
from crisis_app.core.notifications.models import Delivery, DeliveryState, ProviderSwitch
from crisis_app.core.roles import Role
from tests.sinks import running_gateway


@pytest.fixture
def eager(app, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)


def _configure(app, monkeypatch, primary_url: str, backup_url: str) -> None:
    for key, value in {"DELIVERY_MODE": "live", "SMS_URL": primary_url, "SMS_BACKUP_URL": backup_url,
                       "CHANNEL_RATES": {"sms": 0, "email": 0, "room": 0}, "SMS_FAILOVER_ERRORS": 3,
                       "SMS_FAILBACK_AFTER": 900, "REDIS_URL": ""}.items():
        monkeypatch.setitem(app.config, key, value)
    app.extensions.pop("vigie_buckets", None)
    app.extensions.pop("vigie_provider_store", None)


def _url(port: int) -> str:
    return f"json://127.0.0.1:{port}/sms?:to={{to}}"


@pytest.fixture
def providers(app, monkeypatch, db_session):
    with running_gateway() as primary, running_gateway() as backup:
        _configure(app, monkeypatch, _url(primary.port), _url(backup.port))
        yield primary, backup
    app.extensions.pop("vigie_buckets", None)
    app.extensions.pop("vigie_provider_store", None)


def _send(count: int, first: int = 0) -> outbox.Message:
    people = [outbox.Recipient(name=f"Infirmière {i}", sms=f"+3363998{i:04d}") for i in range(first, first + count)]
    message = outbox.send_message(topic="stock.warnings", subject="Canicule", sms_text="Renfort demandé demain 8 h.",
                                  recipients=people, channels=("sms",))
    db.session.commit()
    return message


def _deliveries(message) -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message.id)
                                   .order_by(Delivery.id)))


def _numbers(gateway) -> list[str]:
    return [body["to"] for body in gateway.received]


def _switches() -> list[tuple[str, str, str]]:
    return [(s.from_provider, s.to_provider, s.reason)
            for s in db.session.scalars(sa.select(ProviderSwitch).order_by(ProviderSwitch.id))]


def test_a_provider_failing_mid_send_hands_over_and_each_sms_leaves_once(app, client, personas, login, providers,
                                                                         eager):
    primary, backup = providers
    primary.fail_after = 4  # takes four SMS, then answers 503 to every other
    heard = []

    def listener(channel, **kw):
        heard.append((channel, kw["provider"]))

    failover.provider_switched.connect(listener)
    try:
        message = _send(20)
    finally:
        failover.provider_switched.disconnect(listener)  # the crises journal's own receiver stays

    sent = _numbers(primary) + _numbers(backup)
    assert len(_numbers(primary)) == 4 and len(_numbers(backup)) == 16
    assert Counter(sent) == Counter(d.address for d in _deliveries(message))  # each number once, none missing
    assert {d.state for d in _deliveries(message)} == {DeliveryState.SENT}
    by_provider = {d.address: d.provider for d in _deliveries(message)}
    assert {by_provider[n] for n in _numbers(primary)} == {"primary"}
    assert {by_provider[n] for n in _numbers(backup)} == {"backup"}
    [(was, now_on, reason)] = _switches()  # the sends run in parallel: the order they failed in varies
    assert (was, now_on) == ("primary", "backup")
    assert re.fullmatch(r"1[2-6] envois de suite en échec chez le fournisseur principal", reason)
    assert heard == [("sms", failover.BACKUP)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "outbox.provider_switch")) == 1

    health = client.get("/healthz").get_json()["checks"]["sms_provider"]
    assert health["active"] == "backup" and health["ok"] is False and "en échec" in health["reason"]
    login(personas[Role.CRISIS_CELL])
    page = client.get(f"/messages/{message.id}").text
    assert "Fournisseurs SMS" in page and "Par le fournisseur de secours : <strong>16\u00a0SMS</strong>" in page
    assert "fournisseur principal → fournisseur de secours" in page


def test_back_to_the_primary_after_the_quiet_period(app, providers, eager):
    primary, backup = providers
    primary.fail_after = 0
    _send(5)
    assert len(_numbers(backup)) == 5 and failover.status(utcnow())["active"] == "backup"

    primary.fail_after = None  # the primary is repaired; nothing tells Vigie but the quiet period
    engine.sweep(utcnow() + timedelta(seconds=899))
    assert failover.status(utcnow())["active"] == "backup"
    engine.sweep(utcnow() + timedelta(seconds=901))
    assert failover.status(utcnow())["active"] == "primary"
    assert _switches()[-1][:2] == ("backup", "primary") and "après 15 min" in _switches()[-1][2]
    _send(3, first=100)
    assert len(_numbers(primary)) == 3 and len(_numbers(backup)) == 5


def test_an_sms_that_may_have_left_is_never_sent_by_the_other_provider(app, providers, eager):
    primary, backup = providers
    primary.fail_after, primary.failing_status = 0, 500  # an error after the provider may have taken it
    message = _send(5)
    assert failover.status(utcnow())["active"] == "backup"  # the errors switch the channel…
    assert backup.received == []  # …but none of these five moves
    assert {(d.state, d.provider) for d in _deliveries(message)} == {(DeliveryState.TEMPORARY_FAILURE, "primary")}

    primary.fail_after = None
    db.session.execute(sa.update(Delivery).where(Delivery.message_id == message.id)
                       .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    engine.sweep()  # their retry goes to the provider that holds them, with the same reference
    assert sorted(_numbers(primary)) == sorted(d.address for d in _deliveries(message)) and backup.received == []
    assert {(d.state, d.provider) for d in _deliveries(message)} == {(DeliveryState.SENT, "primary")}


def test_a_primary_that_refuses_connections_sends_everything_through_the_backup(app, monkeypatch, db_session,
                                                                                eager):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with running_gateway() as backup:
        _configure(app, monkeypatch, _url(closed), _url(backup.port))
        message = _send(6)
    assert sorted(_numbers(backup)) == sorted(d.address for d in _deliveries(message))
    assert {(d.state, d.provider) for d in _deliveries(message)} == {(DeliveryState.SENT, "backup")}
    app.extensions.pop("vigie_provider_store", None)


def test_too_many_sms_still_waiting_switch_to_the_backup(app, providers, eager, monkeypatch):
    primary, backup = providers
    real_enqueue = outbox.enqueue
    monkeypatch.setattr(outbox, "enqueue", lambda message_id: None)  # the primary's queue does not move
    message = _send(4)
    db.session.execute(sa.update(Delivery).where(Delivery.message_id == message.id)
                       .values(created_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    monkeypatch.setattr(outbox, "enqueue", real_enqueue)
    engine.sweep()
    assert _switches() == [("primary", "backup", "4 SMS sur 4 toujours en attente après 5 min")]
    assert sorted(_numbers(backup)) == sorted(d.address for d in _deliveries(message)) and primary.received == []


def test_without_a_backup_healthz_says_there_is_one_provider(client):
    check = client.get("/healthz").get_json()["checks"]["sms_provider"]
    assert check == {"ok": True, "failover": False, "active": "primary"}
