"""What /healthz reports: the database, the broker, and whether a worker ran a task recently."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from crisis_app.core.db import abandon, db, utcnow
from crisis_app.core.models import WorkerHeartbeat
from crisis_app.core.timez import paris_datetime


def record_heartbeat(*, hostname: str) -> None:
    """Upsert the worker's heartbeat (not audited: it is a measurement, not a change by anyone)."""
    row = db.session.get(WorkerHeartbeat, hostname)
    if row is None:
        db.session.add(WorkerHeartbeat(hostname=hostname, seen_at=utcnow()))
    else:
        row.seen_at = utcnow()


def check_database() -> dict:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
        abandon()  # the /healthz unit wrote nothing: leave it usable for the next check
        return {"ok": False, "error": type(exc).__name__}


def check_broker() -> dict:
    celery_app = current_app.extensions["celery"]
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport.driver_type
        return {"ok": True, "transport": transport}
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": type(exc).__name__}


def check_worker() -> dict:
    """A worker is healthy when one recorded a heartbeat within three beat periods."""
    period = current_app.config["WORKER_HEARTBEAT_SECONDS"]
    try:
        last = db.session.scalar(sa.select(WorkerHeartbeat.seen_at)
                                 .order_by(WorkerHeartbeat.seen_at.desc()).limit(1))
    except Exception as exc:  # noqa: BLE001
        abandon()
        return {"ok": False, "error": type(exc).__name__}
    if last is None:
        return {"ok": False, "last_seen": None}
    age = utcnow() - last
    return {"ok": age <= timedelta(seconds=3 * period), "last_seen": last.isoformat(),
            "age_seconds": round(age.total_seconds(), 1)}


def check_login_limiter() -> dict:
    from crisis_app.core.auth import ratelimit

    return ratelimit.health()


def check_sms_provider() -> dict:
    """Which SMS provider sends now, since when and why (failover); not ok while the backup stands in."""
    from crisis_app.core.notifications import failover

    try:
        return failover.status(utcnow())
    except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
        abandon()
        return {"ok": False, "error": type(exc).__name__}


def report() -> tuple[dict, int]:
    """The health document and its HTTP status (503 when the database or broker is down)."""
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker(),
              "login_limiter": check_login_limiter(), "sms_provider": check_sms_provider()}
    status = "ok" if all(c["ok"] for c in checks.values()) else "degraded"
    essential = checks["database"]["ok"] and checks["broker"]["ok"]
    return {"status": status, "checks": checks}, 200 if essential else 503


CHECK_LABELS = {"database": "Base de données", "broker": "File des tâches (broker)",
                "worker": "Tâches de fond (worker Celery)", "login_limiter": "Limite des tentatives de connexion",
                "sms_provider": "Fournisseur SMS"}


def _explain(name: str, check: dict) -> str:
    if name == "database":
        return "répond" if check["ok"] else f"ne répond pas ({check.get('error', 'erreur')})"
    if name == "broker":
        return (f"répond ({check.get('transport', '')})" if check["ok"]
                else f"injoignable ({check.get('error', 'erreur')}) : les alertes ne partiraient pas")
    if name == "worker":
        if check.get("age_seconds") is not None:
            age = f"dernier signe de vie il y a {round(check['age_seconds'])} s"
            return age if check["ok"] else f"{age} : aucun worker ne tourne, les alertes ne partiraient pas"
        return "aucun worker n'a jamais répondu : les alertes ne partiraient pas"
    if name == "login_limiter":
        if check["ok"]:
            return "échecs comptés dans Redis" if check.get("storage") == "redis" else "échecs comptés en mémoire"
        return ("Redis injoignable : les échecs sont comptés dans chaque processus web "
                "(la connexion reste possible, la limite est moins stricte)")
    if name == "sms_provider":
        return _explain_sms(check)
    return "en service" if check["ok"] else "en défaut"


def _explain_sms(check: dict) -> str:
    if check.get("error"):
        return f"état illisible ({check['error']})"
    if not check.get("failover"):
        return "un seul fournisseur configuré (pas de secours)"
    since = f" depuis le {paris_datetime(datetime.fromisoformat(check['since']))}" if check.get("since") else ""
    reason = f" : {check['reason']}" if check.get("reason") else ""
    return f"{check['active_label']} ({check['host']}){since}{reason}"


def describe(body: dict) -> list[dict]:
    """The health document in words, one row per check, for the page people read."""
    return [{"label": CHECK_LABELS.get(name, name), "ok": check["ok"], "text": _explain(name, check)}
            for name, check in body["checks"].items()]
