"""Settings for the three ways Vigie runs: embedded (default), production and test.

Everything comes from the environment. The embedded default needs nothing: a SQLite file and a
serverless Celery broker under ``instance/``, alerts delivered to the built-in outbox.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENTS = ("embedded", "production", "test")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
_WEAK_SECRETS = {"", "dev", "change-me", "changeme", "secret", "vigie"}


class ConfigError(RuntimeError):
    """The environment does not describe a service that may start."""


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator chose."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_dir(env: dict[str, str]) -> Path:
    path = Path(env.get("VIGIE_INSTANCE_DIR") or PROJECT_ROOT / "instance")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _embedded_secret(instance: Path) -> str:
    """A random key kept under instance/ so that sessions survive a restart of the demo."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _check_production(secret_key: str, database_url: str, redis_url: str) -> None:
    problems = []
    if secret_key.lower() in _WEAK_SECRETS or len(secret_key) < 32:
        problems.append("SECRET_KEY doit être une valeur aléatoire d'au moins 32 caractères "
                        "(par exemple : python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    if not database_url.startswith("postgresql"):
        problems.append("DATABASE_URL doit désigner une base PostgreSQL "
                        "(postgresql://utilisateur@hôte:5432/base)")
    # Without Redis the broker would be a SQLite file and login failures counted per gunicorn worker.
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        problems.append("REDIS_URL doit désigner un serveur Redis (redis://hôte:6379/0) : file des tâches "
                        "Celery, limites de connexion et verrous partagés entre les processus")
    if problems:
        raise ConfigError("Vigie refuse de démarrer en production : " + " ; ".join(problems))


def _non_negative_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default)).strip()
    if not raw.isascii() or not raw.isdigit():
        raise ConfigError(f"{name} doit être un entier positif ou nul (reçu : {raw!r})")
    return int(raw)


def load_settings(environ: dict[str, str] | None = None, **overrides) -> dict:
    """Return the Flask config mapping for the environment in ``environ`` (default: os.environ)."""
    env = dict(os.environ if environ is None else environ)
    mode = env.get("VIGIE_ENV", "embedded")
    if mode not in ENVIRONMENTS:
        raise ConfigError(f"VIGIE_ENV={mode!r} inconnu ; valeurs possibles : {', '.join(ENVIRONMENTS)}")
    instance = _instance_dir(env)
    database_url = normalize_database_url(env.get("DATABASE_URL", f"sqlite:///{instance / 'vigie.sqlite'}"))
    secret_key = env.get("SECRET_KEY", "")
    redis_url = env.get("REDIS_URL", "")
    if mode == "production":
        _check_production(secret_key, database_url, redis_url)
    elif not secret_key:
        secret_key = _embedded_secret(instance) if mode == "embedded" else "test-secret-key-not-for-production"
    production = mode == "production"
    settings = {
        "VIGIE_ENV": mode,
        "SECRET_KEY": secret_key,
        "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "CELERY": _celery_settings(env, instance, redis_url),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # failed logins: free tries per account and per client address, then a wait that doubles (never a lock)
        "LOGIN_FREE_FAILURES_ACCOUNT": int(env.get("VIGIE_LOGIN_FREE_FAILURES_ACCOUNT", "5")),
        "LOGIN_FREE_FAILURES_ADDRESS": int(env.get("VIGIE_LOGIN_FREE_FAILURES_ADDRESS", "20")),
        "LOGIN_DELAY_BASE_SECONDS": float(env.get("VIGIE_LOGIN_DELAY_BASE_SECONDS", "15")),
        "LOGIN_DELAY_MAX_SECONDS": float(env.get("VIGIE_LOGIN_DELAY_MAX_SECONDS", "600")),
        "LOGIN_FAILURE_MEMORY_SECONDS": float(env.get("VIGIE_LOGIN_FAILURE_MEMORY_SECONDS", "3600")),
        # reverse proxies in front of Vigie whose X-Forwarded-For/-Proto are believed (Werkzeug's ProxyFix)
        "TRUSTED_PROXIES": _non_negative_int(env, "VIGIE_TRUSTED_PROXIES", 0),
        "WORKER_HEARTBEAT_SECONDS": int(env.get("VIGIE_WORKER_HEARTBEAT_SECONDS", "30")),
        # browsers must come back over HTTPS only: on in production (behind TLS), or wherever VIGIE_HTTPS=1 says so
        "HSTS": production or env.get("VIGIE_HTTPS", "0") in {"1", "true", "yes"},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": int(env.get("VIGIE_SESSION_SECONDS", str(12 * 3600))),
        "WTF_CSRF_TIME_LIMIT": None,
        # scrypt everywhere but in the test suite, where hashing hundreds of personas would dominate.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000" if mode == "test" else "scrypt",
        "TESTING": mode == "test",
        "API_TITLE": "Vigie",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "CPTS_NAME": env.get("VIGIE_CPTS_NAME", "CPTS de démonstration"),
        # bodies above this are refused with 413 before a byte is read; a view may allow more (@body_limit, core.bodies)
        "MAX_CONTENT_LENGTH": int(env.get("VIGIE_MAX_REQUEST_BYTES", str(2 * 1024 * 1024))),
        # the Annuaire Santé upload only (the national extraction is about 700 MB)
        "VIGIE_IMPORT_MAX_BYTES": int(env.get("VIGIE_IMPORT_MAX_BYTES", str(1024**3))),
        "STOCK_EXPIRY_WARNING_DAYS": int(env.get("VIGIE_STOCK_EXPIRY_WARNING_DAYS", "30")),
        **_alert_settings(env, mode),
    }
    settings.update(overrides)
    return settings


def _parse_rooms(value: str) -> dict[str, str]:
    """``VIGIE_ROOM_CHANNELS="cellule=matrix://…;garde=mmost://…"``: group rooms, one message per alert."""
    rooms = {}
    for item in filter(None, (part.strip() for part in value.split(";"))):
        name, _, url = item.partition("=")
        if not url:
            raise ConfigError(f"VIGIE_ROOM_CHANNELS : « {item} » doit être de la forme nom=url_apprise")
        rooms[name.strip()] = url.strip()
    return rooms


def _alert_settings(env: dict[str, str], mode: str) -> dict:
    delivery = env.get("VIGIE_DELIVERY", "live" if mode == "production" else "outbox")
    if delivery not in {"outbox", "live"}:
        raise ConfigError("VIGIE_DELIVERY vaut « outbox » (boîte d'envoi intégrée) ou « live »")
    if env.get("VIGIE_SMS_BACKUP_URL") and not env.get("VIGIE_SMS_URL"):
        raise ConfigError("VIGIE_SMS_BACKUP_URL est le fournisseur SMS de secours : VIGIE_SMS_URL (le principal) "
                          "doit aussi être donné")
    share = float(env.get("VIGIE_SMS_FAILOVER_UNSENT_SHARE", "0.5"))
    if not 0 < share < 1:
        raise ConfigError("VIGIE_SMS_FAILOVER_UNSENT_SHARE est une part entre 0 et 1 (exclus), par exemple 0.5")
    return {
        "DELIVERY_MODE": delivery,
        # apprise URL with {to} for the E.164 number, e.g. json://gateway/sms?:to={to} or sfr://…
        "SMS_URL": env.get("VIGIE_SMS_URL", ""),
        # a second SMS provider (another company, or smseagle:// for a GSM gateway on site): see notifications.failover
        "SMS_BACKUP_URL": env.get("VIGIE_SMS_BACKUP_URL", ""),
        "SMS_FAILOVER_ERRORS": max(int(env.get("VIGIE_SMS_FAILOVER_ERRORS", "3")), 1),
        "SMS_FAILOVER_UNSENT_SHARE": share,
        "SMS_FAILOVER_UNSENT_AFTER": int(env.get("VIGIE_SMS_FAILOVER_UNSENT_AFTER", "300")),
        "SMS_FAILBACK_AFTER": int(env.get("VIGIE_SMS_FAILBACK_AFTER", "900")),
        "SMTP_URL": env.get("VIGIE_SMTP_URL", ""),
        "MAIL_FROM": env.get("VIGIE_MAIL_FROM", "Vigie <vigie@localhost>"),
        "ROOM_CHANNELS": _parse_rooms(env.get("VIGIE_ROOM_CHANNELS", "")),
        # sends per second allowed by each provider's contract; 0 lifts the limit
        "CHANNEL_RATES": {"sms": float(env.get("VIGIE_RATE_SMS", "10")),
                          "email": float(env.get("VIGIE_RATE_EMAIL", "50")),
                          "room": float(env.get("VIGIE_RATE_ROOM", "1"))},
        "PUBLIC_URL": env.get("VIGIE_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "WEBHOOK_SECRET": env.get("VIGIE_WEBHOOK_SECRET", ""),
        # the SMS provider forwards replies to /webhooks/sms: offer reply codes in the SMS
        "SMS_REPLIES": env.get("VIGIE_SMS_REPLIES", "0") in {"1", "true", "yes"},
        "ALERT_BATCH_SIZE": int(env.get("VIGIE_ALERT_BATCH_SIZE", "100")),
        # apprise sends in flight at once per worker process (each to its own service instance)
        "SEND_THREADS": max(int(env.get("VIGIE_SEND_THREADS", "8")), 1),
        # deliveries claimed, sent and recorded together; 0: the whole batch (one claim and one record per batch)
        "ALERT_COMMIT_EVERY": int(env.get("VIGIE_ALERT_COMMIT_EVERY", "0")),
        "ALERT_SENDING_TIMEOUT_SECONDS": int(env.get("VIGIE_ALERT_SENDING_TIMEOUT", "120")),
        "ALERT_REQUEUE_AFTER_SECONDS": int(env.get("VIGIE_ALERT_REQUEUE_AFTER", "120")),
        "ALERT_SWEEP_SECONDS": float(env.get("VIGIE_ALERT_SWEEP_SECONDS", "15")),
        "ALERT_ANSWER_MAX_AGE_DAYS": int(env.get("VIGIE_ALERT_ANSWER_MAX_AGE_DAYS", "7")),
        "ALERT_MAX_ATTEMPTS": int(env.get("VIGIE_ALERT_MAX_ATTEMPTS", "6")),
    }


def _celery_settings(env: dict[str, str], instance: Path, redis_url: str) -> dict:
    broker = env.get("CELERY_BROKER_URL") or redis_url or f"sqla+sqlite:///{instance / 'celery-broker.sqlite'}"
    return {
        "broker_url": broker,
        "task_ignore_result": True,
        "result_backend": None,
        # A task is acknowledged only once done, so a worker killed mid-task leaves it to another.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "timezone": "Europe/Paris",
        "beat_schedule_filename": str(instance / "celerybeat-schedule"),
        # one queue per kind of channel: a slow SMS provider never holds back e-mail; workers consume all
        "task_queues": {name: {"routing_key": name} for name in
                        ("celery", "outbox.sms", "outbox.email", "outbox.other")},
    }
