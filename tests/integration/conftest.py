"""A real Celery worker process on Redis, started the way production starts one."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests import services

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_url():
    error = services.redis_error()
    if error and services.REQUIRE_SERVICES:
        pytest.fail(f"Redis is required (VIGIE_REQUIRE_SERVICES=1) but {services.REDIS_URL} failed: {error}")
    if error:
        pytest.skip(f"Redis unreachable at {services.REDIS_URL}: {error}")
    return services.REDIS_URL


@contextlib.contextmanager
def celery_worker(app, redis_url: str, log_dir: Path, env: dict | None = None, pool: str = "solo",
                  concurrency: int = 1):
    """Run ``celery worker`` in its own process group and yield (hostname, process) once it answers pings."""
    redis.Redis.from_url(redis_url).flushdb()  # no stale message from an earlier run
    hostname = f"vigie-test-{uuid.uuid4().hex[:8]}@localhost"
    log_path = log_dir / f"{hostname}.log"
    full_env = {**os.environ, "VIGIE_ENV": "test", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "CELERY_BROKER_URL": redis_url, "VIGIE_INSTANCE_DIR": str(log_dir), **(env or {})}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wsgi:celery", "worker", "--pool", pool,
             "--concurrency", str(concurrency), "--hostname", hostname, "--loglevel", "INFO",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        celery_app = app.extensions["celery"]
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(destination=[hostname], timeout=1.0):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        process.log_path = log_path
        yield hostname, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
