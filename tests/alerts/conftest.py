"""Alert fixtures: an audience of reachable people, a real SMTP server and a real HTTP SMS gateway on loopback."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from crisis_app.core.roles import Role
from crisis_app.directory import audiences
from crisis_app.directory import services as directory_services
from tests import factories


@dataclass
class SmsGateway:
    """A local HTTP SMS provider: records each request; ``status`` decides what it answers."""

    status: int = 200
    received: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                with gateway.lock:
                    status = gateway.status
                    if status == 200:
                        gateway.received.append(body)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def sms_gateway():
    gateway = SmsGateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), gateway.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.port = server.server_address[1]
    yield gateway
    server.shutdown()
    server.server_close()


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"to": list(envelope.rcpt_tos), "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"


@pytest.fixture
def smtp_server():
    """aiosmtpd on loopback: a real SMTP conversation, messages kept for the test to read."""
    collector = _Collector()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    controller.messages = collector.messages
    yield controller
    controller.stop()


@pytest.fixture
def live_channels(app, monkeypatch, sms_gateway, smtp_server):
    """Real channels instead of the outbox: SMS through apprise json:// to the gateway, e-mail over SMTP."""
    monkeypatch.setitem(app.config, "DELIVERY_MODE", "live")
    monkeypatch.setitem(app.config, "SMS_URL", f"json://127.0.0.1:{sms_gateway.port}/sms?:to={{to}}")
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    monkeypatch.setitem(app.config, "CHANNEL_RATES", {"sms": 0, "email": 0, "room": 0})
    app.extensions.pop("vigie_buckets", None)
    yield
    app.extensions.pop("vigie_buckets", None)


@pytest.fixture
def referent(personas):
    return personas[Role.CRISIS_REFERENT].user


def reachable_professional(*, sms=True, email=True, **overrides):
    person = factories.professional(**overrides)
    for channel, wanted in (("sms", sms), ("email", email)):
        if wanted:
            directory_services.set_consent(actor=None, professional=person, channel=channel, granted=True,
                                           method="formulaire d'adhésion")
    return person


@pytest.fixture
def audience(referent):
    """Three reachable people and one without any consent, as a fixed list."""
    people = [reachable_professional() for _ in range(3)] + [reachable_professional(sms=False, email=False)]
    aud = audiences.save_audience(actor=referent, data={"name": "Groupe de test", "kind": "list",
                                                        "professional_ids": [p.id for p in people]})
    aud.people = people
    return aud


def alert_data(audience, **overrides) -> dict:
    data = {"title": "Renfort centre de vaccination", "sms_text": "CPTS : renfort demandé demain 8 h.",
            "email_text": "Bonjour,\nRenfort demandé demain 8 h.", "audience_id": audience.id,
            "channels": ["sms", "email"], "question": "availability"}
    data.update(overrides)
    return data


@pytest.fixture
def eager(app, monkeypatch):
    """Tasks run inline, as a worker would run them, so a test sees the whole fan-out."""
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)


@pytest.fixture
def queued(app, monkeypatch):
    """Enqueueing records what would be sent to the broker instead of sending it."""
    calls = []
    from crisis_app.alerts import tasks

    monkeypatch.setattr(tasks.dispatch_alert, "delay", lambda *a: calls.append(("dispatch", a)))
    monkeypatch.setattr(tasks.send_batch, "apply_async",
                        lambda args=(), queue=None, **kw: calls.append(("batch", tuple(args), queue)))
    return calls
