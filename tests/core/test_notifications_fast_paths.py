"""The delivery engine's cheap paths, on real servers: the JSON gateway sent without apprise (same body, connections
kept open), ``mailto://`` URLs read by apprise into the SMTP transport, and a batch claimed and recorded in a number
of SQL statements that does not grow with its size."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.notifications import engine, outbox
from crisis_app.core.notifications.base import OutgoingMessage
from crisis_app.core.notifications.models import Delivery, DeliveryState
from crisis_app.core.notifications.registry import channel_for
from crisis_app.core.notifications.transports import AppriseChannel, JsonHttpChannel, SmtpChannel


class _KeepAliveGateway:
    """An HTTP/1.1 provider that records each body and the client port it came from (one port: one connection)."""

    def __init__(self, status: int = 200):
        self.status, self.bodies, self.ports, self.paths = status, [], [], []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.bodies.append(json.loads(body))
                gateway.ports.append(self.client_address[1])
                gateway.paths.append(self.path)
                self.send_response(gateway.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    server = _KeepAliveGateway()
    yield server
    server.close()


def _message(i: int, address: str = "+33639980001") -> OutgoingMessage:
    return OutgoingMessage(reference=f"ref-{i}", address=address, body=f"Renfort demandé n° {i}",
                           subject="Alerte été")


def test_json_gateway_gets_the_body_apprise_would_post(gateway):
    url = f"json://127.0.0.1:{gateway.port}/sms?:to={{to}}&:ref={{ref}}&:message=text&-compte=cpts"
    list(AppriseChannel("sms", url, threads=1).send_many([_message(1)]))
    list(JsonHttpChannel("sms", url, threads=1).send_many([_message(1)]))
    by_apprise, by_us = gateway.bodies
    assert by_us == by_apprise
    assert by_us["text"] == "Renfort demandé n° 1" and "message" not in by_us  # apprise's rename, kept
    assert by_us["to"] == "+33639980001" and by_us["ref"] == "ref-1"
    assert gateway.paths[0] == gateway.paths[1] == "/sms?compte=cpts"


def test_json_gateway_keeps_its_connections_open_across_messages_and_batches(gateway):
    url = f"json://127.0.0.1:{gateway.port}/sms?:to={{to}}&:ref={{ref}}"
    for batch in range(3):
        channel = JsonHttpChannel("sms", url, threads=2)
        results = list(channel.send_many(_message(batch * 20 + i) for i in range(20)))
        channel.close()
        assert [m.reference for m, _ in results] == [f"ref-{batch * 20 + i}" for i in range(20)]
    assert len(gateway.bodies) == 60
    assert len(set(gateway.ports)) <= 2  # one connection per sender thread, not one per SMS


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (429, False), (503, False)])
def test_json_gateway_refusal_is_permanent_only_for_a_4xx_that_retrying_cannot_fix(status, permanent):
    server = _KeepAliveGateway(status=status)
    try:
        channel = JsonHttpChannel("sms", f"json://127.0.0.1:{server.port}/sms?:to={{to}}", threads=1)
        [(_, outcome)] = list(channel.send_many([_message(1)]))
    finally:
        server.close()
    assert outcome.permanent is permanent and str(outcome) == f"le fournisseur a répondu {status}"


def test_unreachable_gateway_is_a_temporary_failure():
    with __import__("socket").socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    channel = JsonHttpChannel("sms", f"json://127.0.0.1:{port}/sms?:to={{to}}", threads=1)
    [(_, outcome)] = list(channel.send_many([_message(1)]))
    assert outcome.permanent is False and str(outcome) == "fournisseur injoignable"


def test_other_apprise_services_still_go_through_apprise(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMS_URL", "form://127.0.0.1:9/sms?:to={to}")
    assert type(channel_for("sms")) is AppriseChannel
    monkeypatch.setitem(app.config, "SMS_URL", "jsons://sms.example.org/send?:to={to}")
    assert type(channel_for("sms")) is JsonHttpChannel


def test_mailto_url_is_read_by_apprise_and_sent_on_one_connection(app, db_session, monkeypatch, smtp_server):
    url = f"mailto://127.0.0.1:{smtp_server.port}?mode=insecure&from=cpts@example.org"
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMTP_URL", url)
    channel = channel_for("email")
    assert isinstance(channel, SmtpChannel) and (channel.host, channel.port) == ("127.0.0.1", smtp_server.port)
    results = list(channel.send_many(_message(i, f"pro{i}@example.org") for i in range(5)))
    assert all(not isinstance(outcome, Exception) for _, outcome in results)
    assert sorted(m["to"][0] for m in smtp_server.messages) == [f"pro{i}@example.org" for i in range(5)]
    import email
    from email import policy

    parsed = email.message_from_string(smtp_server.messages[0]["data"], policy=policy.default)
    assert parsed["From"] == "cpts@example.org" and parsed["Subject"] == "Alerte été"
    assert parsed.get_content().strip() == "Renfort demandé n° 0"


def test_subject_with_a_line_feed_is_refused_for_good_not_sent(smtp_server):
    channel = SmtpChannel(f"smtp://127.0.0.1:{smtp_server.port}", "Vigie <vigie@localhost>")
    bad = OutgoingMessage(reference="ref-x", address="pro@example.org", body="x", subject="Alerte\nBcc: a@b.org")
    [(_, outcome)] = list(channel.send_many([bad]))
    assert outcome.permanent and "saut de ligne" in str(outcome)
    assert smtp_server.messages == []


def _statements_for_a_batch(size: int) -> int:
    """SQL statements the engine runs to send ``size`` queued SMS to the gateway (every one of them sent)."""
    recipients = [outbox.Recipient(name=f"Pro {i}", sms=f"+3363998{i:04d}") for i in range(size)]
    message = outbox.send_message(topic="test.batch", subject="Essai", recipients=recipients, channels=["sms"],
                                  sms_text="Essai")
    db.session.flush()
    ids = list(db.session.scalars(sa.select(Delivery.id).where(Delivery.message_id == message.id)))
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        figures = engine.send_deliveries(ids)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert figures == {"sent": size, "failed": 0, "skipped": 0}
    db.session.expire_all()
    states = set(db.session.scalars(sa.select(Delivery.state).where(Delivery.message_id == message.id)))
    assert states == {DeliveryState.SENT}
    return len(statements)


def test_a_batch_costs_the_same_statements_whatever_its_size(app, db_session, monkeypatch, gateway):
    """One UPDATE … RETURNING claims the batch, one SELECT reads its recipients, the results are written by
    set-based UPDATEs: 3 deliveries or 40, the same statements (no query or ORM object per delivery)."""
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMS_URL", f"json://127.0.0.1:{gateway.port}/sms?:to={{to}}&:ref={{ref}}")
    monkeypatch.setitem(app.config, "CHANNEL_RATES", {"sms": 0, "email": 0, "room": 0})
    app.extensions.pop("vigie_buckets", None)
    _statements_for_a_batch(2)  # the message and its recipients' cache are warm alike for both counts below
    small, large = _statements_for_a_batch(3), _statements_for_a_batch(40)
    assert small == large <= 6
    assert len(gateway.bodies) == 45
    app.extensions.pop("vigie_buckets", None)


def test_a_channel_no_longer_configured_fails_the_batch_with_its_reason_and_retries_later(app, db_session,
                                                                                          monkeypatch):
    message = outbox.send_message(topic="test.batch", subject="Essai", channels=["sms"], sms_text="Essai",
                                  recipients=[outbox.Recipient(name="Pro", sms="+33639980001")])
    db.session.flush()
    ids = list(db.session.scalars(sa.select(Delivery.id).where(Delivery.message_id == message.id)))
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMS_URL", "")  # removed between the message and its sending
    assert engine.send_deliveries(ids) == {"sent": 0, "failed": 1, "skipped": 0}
    db.session.expire_all()
    delivery = db.session.get(Delivery, ids[0])
    assert delivery.state is DeliveryState.TEMPORARY_FAILURE and delivery.next_attempt_at is not None
    assert delivery.last_error == "canal non configuré ou adresse de service invalide"


def test_a_message_dispatched_again_enqueues_nothing_more(app, db_session, monkeypatch):
    """Each channel's deliveries are enqueued once, in batches on their queue; a second dispatch (a sweep after the
    task) finds nothing to enqueue. (The two at the same instant is the same conditional UPDATE, not proven here.)"""
    from crisis_app.core.notifications import tasks

    sent = []
    monkeypatch.setattr(tasks.send_batch, "apply_async", lambda args, queue: sent.append((tuple(args[0]), queue)))
    people = [outbox.Recipient(name=f"Pro {i}", sms=f"+3363998{i:04d}", email=f"pro{i}@example.org")
              for i in range(3)]
    message = outbox.send_message(topic="test.batch", subject="Essai", channels=["sms", "email"], sms_text="Essai",
                                  email_text="Essai", recipients=people)
    db.session.flush()
    assert engine.dispatch(message.id) == 6
    assert engine.dispatch(message.id) == 0
    assert sorted(q for _, q in sent) == ["outbox.email", "outbox.sms"] and sum(len(ids) for ids, _ in sent) == 6
