"""Benchmark and fault test of the alert delivery engine.

Sends one alert to N professionals (default 2,000) on SMS and e-mail through Redis and real Celery worker
processes, to a local SMTP sink and a local HTTP SMS sink (each in its own process), rate limits lifted, and
counts what the sinks received. Baseline in the same run: a plain loop of ``apprise.notify()`` over the same
recipients (``naive_per_second``). With ``--kill-worker`` the worker is killed with SIGKILL in the middle of the
fan-out and a new one started: ``lost`` and ``duplicated`` must stay 0.

    python bench/alerts.py [--recipients 2000] [--concurrency 4] [--worker-hosts 2]
                           [--kill-worker [--kill-mode main|group]]

``--worker-hosts 2`` starts two worker groups with their own host names (``w1@host1``, ``w2@host2``) on the same
broker and database, as two machines would be, and prints how many batches each ran (``batches_per_host``): the
work is shared, and the sinks' counts show nothing doubled. The run also prints the CPU seconds per delivery summed
over every process of the run (``engine_cpu_ms_per_delivery``) and a profile of one warm worker batch.

Needs Redis (``--redis``, default redis://127.0.0.1:6379/14) and uses PostgreSQL when it answers
(``--database``, default postgresql://postgres@127.0.0.1:5432/test_bench, created if missing), else SQLite.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.alertmeter import ENGINE_GROUPS, CpuMeter, children_of, descendants, print_profile  # noqa: E402
from bench.alertsinks import free_port, received, run_sms_sink, run_smtp_sink, wait_port  # noqa: E402

# ---- database and data -----------------------------------------------------------------------------------------

def database_url(requested: str, workdir: Path) -> str:
    import sqlalchemy as sa

    url = requested.replace("postgresql://", "postgresql+psycopg://", 1)
    if url.startswith("postgresql"):
        admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT",
                                 poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3})
        name = url.rsplit("/", 1)[1]
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            return url
        except Exception as exc:  # noqa: BLE001 - fall back to SQLite and say so
            print(f"PostgreSQL unavailable ({type(exc).__name__}); using SQLite", file=sys.stderr)
    return f"sqlite:///{workdir / 'bench.sqlite'}"


def seed(app, n: int) -> tuple[int, int]:
    """N reachable professionals in a list audience and a référent; bulk-inserted (setup, not measured)."""
    import random

    from crisis_app.core.auth import services as auth_services
    from crisis_app.core.db import db, utcnow
    from crisis_app.core.demo import fake
    from crisis_app.core.roles import Role
    from crisis_app.directory.audiences.models import Audience, AudienceKind, AudienceMember
    from crisis_app.directory.professionals.models import AlertConsent, Channel, Professional

    rng = random.Random(42)
    with app.app_context():
        referent = auth_services.create_user(actor=None, email="bench@example.org", full_name="Bench",
                                             role=Role.CRISIS_REFERENT, password="bench-password-1")
        people = []
        for i in range(n):
            p = fake.person(rng, i)
            people.append(Professional(rpps=f"{i:010d}"[:10] + "0", last_name=p.last_name, first_name=p.first_name,
                                       profession_code=p.profession_code, profession=p.profession,
                                       mobile_phone=f"+3363998{i % 10000:04d}", email=f"pro{i}@example.org",
                                       consents=[AlertConsent(channel=c, granted=True, method="bench", at=utcnow())
                                                 for c in (Channel.SMS, Channel.EMAIL)]))
        db.session.add_all(people)
        db.session.flush()
        audience = Audience(name="Bench", kind=AudienceKind.LIST, criteria={},
                            members=[AudienceMember(professional_id=p.id) for p in people])
        db.session.add(audience)
        db.session.commit()
        return referent.id, audience.id


# ---- worker ------------------------------------------------------------------------------------------------

def start_process(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "wsgi:celery", *args], cwd=ROOT, env=env,
                            stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)


def start_worker(env: dict, concurrency: int, log: Path, name: str, host: str = "bench") -> subprocess.Popen:
    """One worker group (a main process and its pool) named ``name@host``, as on its own machine."""
    return start_process(["worker", "--pool", "prefork", "--concurrency", str(concurrency), "--hostname",
                          f"{name}@{host}", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                         env, log)


def tasks_per_host(celery_app, nodes: list[str]) -> dict[str, int]:
    """How many send batches each worker group ran (Celery's own counters, asked before the workers stop)."""
    stats = celery_app.control.inspect(destination=nodes, timeout=3.0).stats() or {}
    return {node: stats.get(node, {}).get("total", {}).get("vigie.outbox.send_batch", 0) for node in nodes}


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---- the measured parts ------------------------------------------------------------------------------------

def naive_loop(recipients: list[tuple[str, str]], sms_port: int, smtp_port: int) -> tuple[int, float]:
    """The baseline: one apprise.notify() per recipient and channel, one after the other."""
    import apprise

    start = time.perf_counter()
    for i, (mobile, email) in enumerate(recipients):
        for url in (f"json://127.0.0.1:{sms_port}/sms?:to={mobile}&:ref=naive-{i}",
                    f"mailto://127.0.0.1:{smtp_port}?mode=insecure&from=cpts@example.org&to={email}"):
            notifier = apprise.Apprise()
            notifier.add(url)
            notifier.notify(body="Test", title="Test")
    return 2 * len(recipients), time.perf_counter() - start


def delivery_states(app, message_id: int) -> Counter:
    import sqlalchemy as sa

    from crisis_app.core.db import db
    from crisis_app.core.notifications.models import Delivery

    with app.app_context():
        rows = db.session.execute(sa.select(Delivery.state, sa.func.count()).where(Delivery.message_id == message_id)
                                  .group_by(Delivery.state)).all()
        db.session.remove()
    return Counter({state.value: n for state, n in rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes (README: --concurrency 4)")
    parser.add_argument("--worker-hosts", type=int, default=1,
                        help="worker groups, each with its own host name (two machines: 2); --concurrency each")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--kill-mode", choices=["main", "group"], default="main",
                        help="main: SIGKILL the worker's main process; group: the main process and its children")
    parser.add_argument("--naive-recipients", type=int, default=None,
                        help="recipients for the apprise baseline (default: all)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test_bench")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--sms-latency-ms", type=float, default=0.0,
                        help="time the local SMS provider takes to answer (real APIs: 100-300 ms); default 0")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="vigie-bench-"))
    sms_port, smtp_port = free_port(), free_port()
    sms_log, smtp_log = workdir / "sms.log", workdir / "smtp.log"
    latency = options.sms_latency_ms / 1000
    sinks = [multiprocessing.Process(target=run_sms_sink, args=(sms_port, str(sms_log), latency), daemon=True),
             multiprocessing.Process(target=run_smtp_sink, args=(smtp_port, str(smtp_log)), daemon=True)]
    for sink in sinks:
        sink.start()
    wait_port(sms_port)
    wait_port(smtp_port)

    import redis

    redis.Redis.from_url(options.redis).flushdb()
    url = database_url(options.database, workdir)
    env = {**os.environ, "VIGIE_ENV": "test", "VIGIE_INSTANCE_DIR": str(workdir), "DATABASE_URL": url,
           "REDIS_URL": options.redis, "CELERY_BROKER_URL": options.redis, "VIGIE_DELIVERY": "live",
           "VIGIE_SMS_URL": f"json://127.0.0.1:{sms_port}/sms?:to={{to}}&:ref={{ref}}",
           "VIGIE_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "VIGIE_RATE_SMS": "0", "VIGIE_RATE_EMAIL": "0",
           # --kill-worker: the sweeper takes back a dead worker's deliveries within seconds; otherwise the production
           # default (120 s), so that batches still waiting in the broker of a loaded machine are not enqueued twice
           "VIGIE_ALERT_SWEEP_SECONDS": "2", "VIGIE_ALERT_REQUEUE_AFTER": "5" if options.kill_worker else "120",
           "VIGIE_ALERT_SENDING_TIMEOUT": "10" if options.kill_worker else "120",
           "VIGIE_PROFILE_BATCH_DIR": str(workdir / "profiles")}
    os.environ.update({k: v for k, v in env.items() if k.startswith(("VIGIE_", "DATABASE_URL", "REDIS_URL",
                                                                      "CELERY_"))})
    from flask_migrate import upgrade

    from crisis_app import create_app
    from crisis_app.alerts import services
    from crisis_app.core.db import db
    from crisis_app.core.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    referent_id, audience_id = seed(app, options.recipients)

    with app.app_context():
        import sqlalchemy as sa

        from crisis_app.directory.professionals.models import Professional

        recipients = [(m, e) for m, e in db.session.execute(
            sa.select(Professional.mobile_phone, Professional.email).order_by(Professional.id))]
    naive_count, naive_seconds = naive_loop(recipients[:options.naive_recipients], sms_port, smtp_port)

    worker_log = workdir / "worker.log"
    # --worker-hosts N: N worker groups with their own host names on the one broker and database, as N machines
    nodes = [f"w{k}@host{k}" for k in range(1, options.worker_hosts + 1)]
    workers = [start_worker(env, options.concurrency, worker_log, f"w{k}", f"host{k}")
               for k in range(1, options.worker_hosts + 1)]
    beat = start_process(["beat", "--loglevel", "WARNING", "--schedule", str(workdir / "beat-schedule")], env,
                         workdir / "beat.log")
    celery_app = app.extensions["celery"]
    while len(celery_app.control.ping(destination=nodes, timeout=1.0)) < len(nodes):
        time.sleep(0.2)

    groups = {
        "workers": lambda: [pid for w in workers for pid in (w.pid, *descendants(w.pid))],
        "beat": lambda: [beat.pid, *descendants(beat.pid)],
        "postgresql": lambda: meter.pg_backends(),
        "redis": lambda: [meter.redis_pid],
        "bench": lambda: [os.getpid()],
        "sinks": lambda: [sink.pid for sink in sinks],
    }
    meter = CpuMeter(groups, url, options.redis)
    meter.start_measure()
    with app.app_context():
        referent = db.session.get(User, referent_id)
        start = time.perf_counter()
        alert = services.send_alert(actor=referent, data={
            "title": "Bench", "sms_text": "Renfort demandé", "email_text": "Renfort demandé.",
            "audience_id": audience_id, "channels": ["sms", "email"], "question": "availability"})
        message_id, deliveries = alert.message_id, 2 * options.recipients
        written = time.perf_counter() - start  # the référent's request: the alert, its outbox rows, the commit
        db.session.remove()

    killed, orphans = False, []
    deadline = time.monotonic() + options.timeout
    while time.monotonic() < deadline:
        states = delivery_states(app, message_id)
        done = states["sent"] + states["permanent_failure"]
        if options.kill_worker and not killed and done >= deliveries * 0.3:
            victim = workers[0]
            orphans = children_of(victim.pid)  # the pool processes, to end by their ids once the run is over
            if options.kill_mode == "group":
                os.killpg(victim.pid, signal.SIGKILL)
            else:
                os.kill(victim.pid, signal.SIGKILL)
            killed = True
            print(f"killed the worker ({options.kill_mode}) at {done}/{deliveries} sent", file=sys.stderr)
            workers.append(start_worker(env, options.concurrency, worker_log, "w1b", "host1"))
        if done >= deliveries:
            break
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    cpu = meter.stop_measure()
    batches_per_host = tasks_per_host(celery_app, nodes) if not options.kill_worker else {}
    time.sleep(2)  # let anything late or doubled reach the sinks

    for process in [*workers, beat]:
        stop(process)
    for pid in orphans:  # pool children of the killed worker, if any are left, must not outlive the run
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for sink in sinks:
        sink.terminate()

    with app.app_context():
        from crisis_app.core.notifications.models import Delivery

        references = set(db.session.scalars(sa.select(Delivery.reference).where(Delivery.message_id == message_id)))
    got = received(sms_log) + received(smtp_log)
    got = Counter({ref: n for ref, n in got.items() if ref in references})
    figures = {
        "recipients": options.recipients,
        "deliveries": deliveries,
        "received": len(got),
        "duplicated": sum(n - 1 for n in got.values()),
        "lost": len(references - set(got)),
        "seconds": round(seconds, 2),
        "write_seconds": round(written, 2),
        "per_second": round(deliveries / seconds, 1),
        "naive_per_second": round(naive_count / naive_seconds, 1),
        "ratio_to_naive": round((deliveries / seconds) / (naive_count / naive_seconds), 1),
        "states": dict(delivery_states(app, message_id)),
        "database": url.split(":", 1)[0],
        "concurrency": options.concurrency,
        "killed": options.kill_mode if options.kill_worker else None,
        "worker_hosts": options.worker_hosts,
        "batches_per_host": batches_per_host,
        "sms_latency_ms": options.sms_latency_ms,
        # CPU seconds spent by each group of processes while the alert went out (from /proc, 10 ms ticks); the
        # engine is everything that would run on the servers: workers, beat, PostgreSQL backends, Redis (Redis is
        # shared with other jobs on this machine: its figure is an upper bound). The bench process (which sends the
        # alert, polls and measures) and the sinks are shown apart.
        "cpu_seconds": cpu,
        "engine_cpu_ms_per_delivery": round(1000 * sum(cpu.get(k, 0) for k in ENGINE_GROUPS) / deliveries, 2),
        "workers_cpu_ms_per_delivery": round(1000 * cpu.get("workers", 0) / deliveries, 2),
        "load_average": os.getloadavg(),
    }
    print_profile(workdir / "profiles")
    print(f"naive apprise loop: {naive_count} messages in {naive_seconds:.1f} s", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
