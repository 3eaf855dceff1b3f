"""Load test of the population's information page: the page a local news site may link to during a crisis.

A fresh SQLite instance (the embedded default) with one crisis and its published page, served by gunicorn
(``--workers`` × ``--threads``, gthread: keep-alive), hammered by N concurrent clients (threads, each with one
keep-alive ``http.client`` connection) for a number of seconds. Baseline in the same run, with the same clients and
the same server: the static stylesheet (``/static/css/vigie.css``) and ``/healthz``. Prints requests per second,
p50 / p95 / max latency of each, errors, and the ratio of the page's rate to the static file's. Aim: ≥ 300 req/s.

    python bench/public_page.py [--clients 16] [--seconds 10] [--workers 4] [--threads 4]

The last line printed is one JSON object with the figures. Responses are not revalidated (no If-None-Match): every
request renders the page, the worst case for the server (a browser would send its ETag and get a 304).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def seed(url: str) -> str:
    """Migrate the fresh instance, open a crisis and publish its page; return the page's path."""
    from flask_migrate import upgrade

    from crisis_app import create_app
    from crisis_app.core.auth import services as auth_services
    from crisis_app.core.db import db
    from crisis_app.crises import public_page, services

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        with app.test_request_context():
            referent = auth_services.create_user(actor=None, email="referent@bench.example.org",
                                                 full_name="Référent bench", role="crisis_referent",
                                                 password="bench-password-" + "x" * 12)
            crisis = services.open_crisis(actor=referent, title="Canicule (bench)", typology=4, gradation=1,
                                          authority="ars", authority_reference="BENCH-1")
            page = public_page.publish(actor=referent, crisis=crisis, text="Épisode de canicule jusqu'à jeudi.",
                                       places="Mairie, salle climatisée, 9 h – 19 h\nMSP du centre, 8 h – 20 h")
            slug = page.slug
            db.session.remove()
    return f"/info/{slug}"


def hammer(port: int, path: str, clients: int, seconds: float) -> dict:
    """``clients`` threads, each on one keep-alive connection, GET ``path`` until ``seconds`` have passed."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[i].append(time.perf_counter() - start)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    flat = [v for row in latencies for v in row]
    return {"requests": len(flat), "errors": sum(errors), "per_second": round(len(flat) / elapsed, 1),
            "p50_ms": round(statistics.median(flat) * 1000, 2) if flat else None,
            "p95_ms": round(percentile(flat, .95) * 1000, 2) if flat else None,
            "max_ms": round(max(flat) * 1000, 2) if flat else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="vigie-bench-public-"))
    url = f"sqlite:///{workdir / 'vigie.sqlite'}"
    port = free_port()
    env = {**os.environ, "VIGIE_ENV": "test", "VIGIE_INSTANCE_DIR": str(workdir), "DATABASE_URL": url,
           "CELERY_BROKER_URL": "memory://", "VIGIE_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "SECRET_KEY": "bench-secret-key-" + "x" * 20}
    os.environ.update({k: v for k, v in env.items() if k.startswith(("VIGIE_", "DATABASE_URL", "CELERY_", "SECRET"))})
    path = seed(url)

    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(options.workers), "--threads",
                               str(options.threads), "--worker-class", "gthread", "--keep-alive", "30",
                               "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=(workdir / "gunicorn.log").open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit(f"gunicorn did not start: {(workdir / 'gunicorn.log').read_text()[-2000:]}")
            time.sleep(0.2)
        hammer(port, path, options.clients, 1.0)  # warm every worker
        static = hammer(port, "/static/css/vigie.css", options.clients, options.seconds)
        healthz = hammer(port, "/healthz", options.clients, options.seconds)
        page = hammer(port, path, options.clients, options.seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    out = {"server": f"gunicorn {options.workers} workers x {options.threads} threads (gthread)",
           "database": "sqlite", "clients": options.clients, "seconds": options.seconds, "public_page": page,
           "static_css": static, "healthz": healthz,
           "ratio_page_to_static_rate": round(page["per_second"] / max(static["per_second"], 1e-6), 2),
           "ratio_page_to_healthz_rate": round(page["per_second"] / max(healthz["per_second"], 1e-6), 2),
           "aim_300_per_second": page["per_second"] >= 300}
    print(f"public page: {page['per_second']} req/s, p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms "
          f"({page['errors']} errors); static CSS: {static['per_second']} req/s; /healthz: {healthz['per_second']} "
          f"req/s; page/static = {out['ratio_page_to_static_rate']}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
