"""/healthz reports the database, the broker, the worker heartbeat and the login limiter: JSON for probes,
a French page for people."""

from datetime import timedelta

from crisis_app.core import health
from crisis_app.core.db import db, utcnow
from crisis_app.core.models import WorkerHeartbeat


def test_health_reports_each_check(client):
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"]["ok"] is True
    assert set(body["checks"]) == {"database", "broker", "worker", "login_limiter", "sms_provider"}
    assert body["checks"]["login_limiter"]["ok"] is True


def test_health_page_reads_in_french_in_a_browser(client):
    response = client.get("/healthz", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"
    assert "État du service" in response.text and "Base de données" in response.text
    assert "Limite des tentatives de connexion" in response.text
    assert '"checks"' not in response.text and "login_limiter" not in response.text


def test_health_answers_json_to_probes(client):
    assert client.get("/healthz", headers={"Accept": "*/*"}).mimetype == "application/json"
    assert client.get("/healthz", headers={"Accept": "application/json"}).mimetype == "application/json"


def test_worker_is_healthy_only_with_a_recent_heartbeat(client, db_session):
    health.record_heartbeat(hostname="celery@old")
    db.session.get(WorkerHeartbeat, "celery@old").seen_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    stale = client.get("/healthz").get_json()
    assert stale["checks"]["worker"]["ok"] is False and stale["status"] == "degraded"
    health.record_heartbeat(hostname="celery@fresh")
    fresh = client.get("/healthz").get_json()
    assert fresh["checks"]["worker"]["ok"] is True


def test_unreachable_broker_makes_health_503(app, client, monkeypatch):
    celery_app = app.extensions["celery"]
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["broker"]["ok"] is False
