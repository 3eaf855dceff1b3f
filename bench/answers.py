"""Load test of the answer links: an alert to N people (default 2,000), then every link opened and answered by
concurrent clients against the service as production serves it (gunicorn, 4 workers × 4 threads, PostgreSQL).

Each client opens the no-login answer page (GET, which also gives the CSRF token) and answers (POST). Baseline in
the same run and with the same clients: the static stylesheet, served by the same gunicorn. Prints p50 / p95 / max
latency of GET and POST, errors, the ratio of the answer POST's p95 to the static page's p95, and checks in the
database that every person's answer was recorded exactly once. The aim: p95 < 100 ms, 0 errors, all within 60 s.

    python bench/answers.py [--recipients 2000] [--clients 32]

Open loop, the way 2,000 people answer an SMS (they do not wait for each other): ``--rate R`` sends the answers as
arrivals at R per second — a scheduler thread fires each at its fixed time, the requests run on a pool, and each
latency is measured from the scheduled time (a late start counts as waiting, so a server falling behind shows). The
pages are opened first (GET, CSRF token), then the POSTs arrive. ``--search`` runs rising rates for
``--step-seconds`` each (a person may answer again: a changed answer) and reports the highest rate held with
p95 < 100 ms, the ceiling.

    python bench/answers.py --rate 33 [--recipients 2000]
    python bench/answers.py --search [--rates 10,20,33,50,70,100,140] [--step-seconds 15]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from alerts import database_url, free_port, seed  # noqa: E402 - the alert benchmark's setup helpers

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def figures(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(values) * 1000, 1), "p95_ms": round(percentile(values, .95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1)} if values else {}


def answer(base: str, token: str) -> tuple[float, float, str | None]:
    """Open the page and answer, as a phone would: its own cookie jar. Returns (GET s, POST s, error)."""
    import requests

    session = requests.Session()
    start = time.perf_counter()
    page = session.get(f"{base}/r/{token}", timeout=30)
    got = time.perf_counter() - start
    match = CSRF.search(page.text)
    if page.status_code != 200 or not match:
        return got, 0.0, f"GET {page.status_code}"
    start = time.perf_counter()
    done = session.post(f"{base}/r/{token}", data={"code": "1", "comment": "bench", "csrf_token": match.group(1)},
                        timeout=30)
    posted = time.perf_counter() - start
    ok = done.status_code == 200 and "est enregistrée" in done.text
    return got, posted, None if ok else f"POST {done.status_code}"


def open_page(base: str, token: str):
    """A phone opens its link: its own session (cookie) and the form's CSRF token, ready to answer."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/r/{token}", timeout=30)
    match = CSRF.search(page.text)
    return (session, token, match.group(1)) if page.status_code == 200 and match else None


def post_answer(base: str, opened, code: str) -> str | None:
    session, token, csrf = opened
    done = session.post(f"{base}/r/{token}", data={"code": code, "comment": "", "csrf_token": csrf}, timeout=30)
    return None if done.status_code == 200 and "est enregistrée" in done.text else f"POST {done.status_code}"


def open_loop(base: str, opened: list, rate: float, count: int, code: str, threads: int = 64) -> dict:
    """``count`` answers arriving at ``rate`` per second, each at its fixed time; latency from that time."""
    results: list[tuple[float, str | None]] = []
    lock = threading.Lock()

    def fire(item, scheduled: float) -> None:
        try:
            error = post_answer(base, item, code)
        except Exception as exc:  # noqa: BLE001 - a refused connection is an error of the run, counted
            error = type(exc).__name__
        latency = time.perf_counter() - scheduled
        with lock:
            results.append((latency, error))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        start = time.perf_counter() + 0.2
        for i in range(count):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(fire, opened[i % len(opened)], scheduled)
    seconds = time.perf_counter() - start
    latencies = [lat for lat, error in results if not error]
    errors = [error for _, error in results if error]
    return {"rate": rate, "answers": count, "seconds": round(seconds, 1),
            "answers_per_second": round(count / seconds, 1), "errors": len(errors),
            "error_kinds": sorted(set(errors))[:5], **figures(latencies),
            "held": bool(latencies) and not errors and percentile(latencies, .95) < 0.100}


def static(base: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(f"{base}/static/css/vigie.css", timeout=30) as response:
        response.read()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test_bench_answers")
    parser.add_argument("--rate", type=float, default=None, help="open loop: answers arriving per second")
    parser.add_argument("--search", action="store_true", help="open loop at rising rates: the highest one held")
    parser.add_argument("--rates", default="10,20,33,50,70,100,140")
    parser.add_argument("--step-seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="vigie-bench-answers-"))
    url = database_url(options.database, workdir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "VIGIE_ENV": "test", "VIGIE_INSTANCE_DIR": str(workdir), "DATABASE_URL": url,
           "CELERY_BROKER_URL": "memory://", "VIGIE_PUBLIC_URL": base, "SECRET_KEY": "bench-secret-key-" + "x" * 20}
    os.environ.update({k: v for k, v in env.items() if k.startswith(("VIGIE_", "DATABASE_URL", "CELERY_", "SECRET"))})
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from crisis_app import create_app
    from crisis_app.alerts import links, services
    from crisis_app.alerts.models import AlertAnswer, AlertRecipient
    from crisis_app.core.db import db
    from crisis_app.core.models import User
    from crisis_app.core.notifications import outbox

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    referent_id, audience_id = seed(app, options.recipients)
    outbox.enqueue = lambda _message_id: None  # the sends are not measured here: only the answers
    with app.app_context(), app.test_request_context():
        alert = services.send_alert(actor=db.session.get(User, referent_id), data={
            "title": "Bench", "sms_text": "Renfort demandé", "email_text": "Renfort demandé.",
            "audience_id": audience_id, "channels": ["sms", "email"], "question": "availability"})
        alert_id = alert.id
        tokens = [links.token_for(alert.id, r.id) for r in alert.recipients]
        db.session.remove()

    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(options.workers), "--threads",
                               str(options.threads),
                               "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=(workdir / "gunicorn.log").open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 180  # four workers booting on a loaded machine
        while True:
            try:
                static(base)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit(f"gunicorn did not start: {(workdir / 'gunicorn.log').read_text()[-2000:]}")
                time.sleep(0.2)
        steps: list[dict] = []
        if options.rate or options.search:
            with ThreadPoolExecutor(max_workers=options.clients) as pool:
                opened = [o for o in pool.map(lambda token: open_page(base, token), tokens) if o]
            if options.rate:
                steps.append(open_loop(base, opened, options.rate, len(opened), "1"))
                print(json.dumps(steps[-1]), file=sys.stderr)
            if options.search:
                for i, rate in enumerate(float(r) for r in options.rates.split(",")):
                    steps.append(open_loop(base, opened, rate, int(rate * options.step_seconds), "2" if i % 2 else "1"))
                    print(json.dumps(steps[-1]), file=sys.stderr)
                    if not steps[-1]["held"]:
                        break
            with ThreadPoolExecutor(max_workers=options.clients) as pool:
                baseline = list(pool.map(lambda _i: static(base), range(len(tokens))))
        else:
            with ThreadPoolExecutor(max_workers=options.clients) as pool:
                baseline = list(pool.map(lambda _i: static(base), range(len(tokens))))
                start = time.perf_counter()
                results = list(pool.map(lambda token: answer(base, token), tokens))
                seconds = time.perf_counter() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    with app.app_context():
        per_person = db.session.execute(sa.select(AlertAnswer.recipient_id, sa.func.count()).join(AlertRecipient)
                                        .where(AlertRecipient.alert_id == alert_id)
                                        .group_by(AlertAnswer.recipient_id)).all()
    server_label = f"gunicorn {options.workers} workers x {options.threads} threads"
    if steps:
        accepted = sum(s["answers"] - s["errors"] for s in steps)
        out = {"recipients": len(tokens), "opened": len(opened), "server": server_label,
               "database": url.split(":", 1)[0], "steps": steps, "static": figures(baseline),
               "ceiling_rate_p95_under_100ms": max((s["rate"] for s in steps if s["held"]), default=0),
               "answers_accepted": accepted, "answers_recorded": sum(n for _, n in per_person),
               "load_average": os.getloadavg()}
        print(json.dumps(out))
        return
    errors = [e for _, _, e in results if e]
    posts = [p for _, p, e in results if not e]
    out = {
        "recipients": len(tokens), "clients": options.clients, "server": server_label,
        "database": url.split(":", 1)[0], "seconds": round(seconds, 2),
        "answers_per_second": round(len(tokens) / seconds, 1), "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5], "get": figures([g for g, _, _ in results]), "post": figures(posts),
        "static": figures(baseline),
        "ratio_post_p95_to_static_p95": round(percentile(posts, .95) / max(percentile(baseline, .95), 1e-6), 1),
        "recorded_once": sum(1 for _, n in per_person if n == 1), "recorded_twice_or_more":
            sum(1 for _, n in per_person if n > 1),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    threading.excepthook = lambda args: print(args, file=sys.stderr)
    main()
