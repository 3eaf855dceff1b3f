"""A real Celery worker on Redis runs Vigie's tasks against the suite's database."""

from __future__ import annotations

import time
import uuid

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import WorkerHeartbeat
from crisis_app.core.tasks import record_heartbeat
from tests.integration.conftest import celery_worker

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def worker(app, redis_url, tmp_path_factory):
    """Start ``celery worker`` in its own process, as production does, and wait until it answers."""
    with celery_worker(app, redis_url, tmp_path_factory.mktemp("worker")) as (hostname, _process):
        yield hostname
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
