"""A real Celery worker on Redis runs Vigie's tasks against the suite's database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import WorkerHeartbeat
from crisis_app.core.tasks import record_heartbeat
from tests import services

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def redis_url():
    error = services.redis_error()
    if error and services.REQUIRE_SERVICES:
        pytest.fail(f"Redis is required (VIGIE_REQUIRE_SERVICES=1) but {services.REDIS_URL} failed: {error}")
    if error:
        pytest.skip(f"Redis unreachable at {services.REDIS_URL}: {error}")
    redis.Redis.from_url(services.REDIS_URL).flushdb()  # no stale message from an earlier run
    return services.REDIS_URL


@pytest.fixture(scope="module")
def worker(app, redis_url, tmp_path_factory):
    """Start ``celery worker`` in its own process, as production does, and wait until it answers."""
    hostname = f"vigie-test-{uuid.uuid4().hex[:8]}@localhost"
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {**os.environ, "VIGIE_ENV": "test", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CELERY_BROKER_URL": redis_url, "VIGIE_INSTANCE_DIR": str(log_path.parent)}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wsgi:celery", "worker", "--pool", "solo",
             "--hostname", hostname, "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        celery_app = app.extensions["celery"]
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        yield hostname
    finally:
        process.terminate()
        process.wait(timeout=30)
        with app.app_context():
            db.session.execute(sa.delete(WorkerHeartbeat))
            db.session.commit()


def _wait_for_heartbeat(app, hostname: str, timeout: float = 30.0) -> WorkerHeartbeat | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            row = db.session.get(WorkerHeartbeat, hostname)
            db.session.remove()
        if row is not None:
            return row
        time.sleep(0.2)
    return None


def test_worker_announces_itself_and_health_turns_green(app, worker):
    assert _wait_for_heartbeat(app, worker) is not None
    body = app.test_client().get("/healthz").get_json()
    assert body["checks"]["broker"] == {"ok": True, "transport": "redis"}
    assert body["checks"]["worker"]["ok"] is True


def test_task_enqueued_by_the_app_runs_in_the_worker_and_writes_the_database(app, worker):
    probe = f"probe-{uuid.uuid4().hex[:6]}"
    with app.app_context():
        record_heartbeat.delay(probe)
    assert _wait_for_heartbeat(app, probe) is not None, "the worker never ran the task"
