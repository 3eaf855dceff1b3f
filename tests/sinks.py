"""Real local providers for tests: an HTTP SMS gateway and an SMTP server, both on loopback."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


class _Server(ThreadingHTTPServer):
    # A provider takes many connections at once; the default backlog of 5 would refuse the senders' parallel ones.
    request_queue_size = 256


@dataclass
class SmsGateway:
    """A local HTTP SMS provider: records each request; ``status`` decides what it answers."""

    status: int = 200
    fail_after: int | None = None  # once this many were taken, answer ``failing_status`` (a provider failing mid-send)
    failing_status: int = 503
    received: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                with gateway.lock:
                    status = gateway.status
                    if gateway.fail_after is not None and len(gateway.received) >= gateway.fail_after:
                        status = gateway.failing_status
                    if status == 200:
                        gateway.received.append(body)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        return Handler


@contextlib.contextmanager
def running_gateway():
    """An ``SmsGateway`` listening on a loopback port (``gateway.port``) until the block ends."""
    gateway = SmsGateway()
    server = _Server(("127.0.0.1", 0), gateway.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.port = server.server_address[1]
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sms_gateway():
    with running_gateway() as gateway:
        yield gateway


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
