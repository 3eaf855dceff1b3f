"""The local providers of ``bench/alerts.py``, each run in its own process: an HTTP SMS sink and an SMTP sink that
append one reference per received message to a file."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Server(ThreadingHTTPServer):
    # A provider takes many connections at once; the default backlog of 5 would refuse the senders' parallel ones.
    request_queue_size = 256


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- sinks, each in its own process, appending one reference per received message -------------------------

def run_sms_sink(port: int, log_path: str, latency: float = 0.0) -> None:
    """``latency``: seconds the provider takes to answer (a real SMS API answers in 100–300 ms)."""
    log = open(log_path, "a", buffering=1)  # noqa: SIM115 - lives as long as the process

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if latency:
                time.sleep(latency)
            log.write(f"{body.get('ref', '?')}\n")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = _Server(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


def run_smtp_sink(port: int, log_path: str) -> None:
    from aiosmtpd.smtp import SMTP

    log = open(log_path, "a", buffering=1)  # noqa: SIM115

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            for line in envelope.content.decode("utf-8", "replace").splitlines():
                if line.lower().startswith("x-vigie-reference:"):
                    log.write(line.split(":", 1)[1].strip() + "\n")
                    break
            else:
                log.write("?\n")
            return "250 OK"

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(Handler()), "127.0.0.1", port))
    loop.run_until_complete(server.serve_forever())


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"sink on port {port} did not start")


def received(path: Path) -> Counter:
    return Counter(line.strip() for line in path.read_text().splitlines() if line.strip()) if path.exists() \
        else Counter()
