"""Rate limit on failed logins: per account and per address, in Redis in production.

When Redis cannot be reached, login keeps working: failures are counted in this process instead (so the limit
holds per web process, not across them), a warning is logged once per outage, ``/healthz`` reports
``login_limiter: degraded``, and Redis is tried again after ``RETRY_SECONDS``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app
from limits import parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)

RETRY_SECONDS = 30.0
# a login must not hang on a Redis host that does not answer
REDIS_OPTIONS = {"wrap_exceptions": True, "socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class ResilientLimiter:
    """A moving-window limiter on the configured storage, falling back to process memory while it fails."""

    def __init__(self, uri: str):
        shared = not uri.startswith("memory://")
        self.shared = MovingWindowRateLimiter(storage_from_string(uri, **REDIS_OPTIONS)) if shared else None
        self.local = MovingWindowRateLimiter(MemoryStorage())
        self._skip_shared_until = 0.0
        self.degraded = False

    def _call(self, method: str, *args: Any) -> Any:
        if self.shared is not None and time.monotonic() >= self._skip_shared_until:
            try:
                result = getattr(self.shared, method)(*args)
            except StorageError as exc:
                self._fail(exc)
            else:
                if self.degraded:
                    log.warning("login limiter: Redis answers again; failed logins counted in Redis")
                    self.degraded = False
                return result
        return getattr(self.local, method)(*args)

    def _fail(self, exc: Exception) -> None:
        if not self.degraded:
            log.warning("login limiter: Redis unreachable (%s); failed logins counted in this process "
                        "until it answers", exc)
        self.degraded = True
        self._skip_shared_until = time.monotonic() + RETRY_SECONDS

    def test(self, *args: Any) -> bool:
        return self._call("test", *args)

    def hit(self, *args: Any) -> bool:
        return self._call("hit", *args)

    def clear(self, *args: Any) -> None:
        self._call("clear", *args)

    def health(self) -> dict:
        """What /healthz says about the login limiter."""
        if self.shared is None:
            return {"ok": True, "status": "ok", "storage": "memory"}
        try:
            reachable = self.shared.storage.check()
        except StorageError:
            reachable = False
        if reachable:
            return {"ok": True, "status": "ok", "storage": "redis"}
        self._fail(RuntimeError("health check failed"))
        return {"ok": False, "status": "degraded", "storage": "memory (Redis injoignable)"}


def _limiter() -> ResilientLimiter:
    ext = current_app.extensions
    if "vigie_login_limiter" not in ext:
        ext["vigie_login_limiter"] = ResilientLimiter(current_app.config["RATELIMIT_STORAGE_URI"])
    return ext["vigie_login_limiter"]


def _rules(email: str, address: str):
    return [
        (parse(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]), ("login-account", email.lower())),
        (parse(current_app.config["LOGIN_FAILURES_PER_IP"]), ("login-ip", address)),
    ]


def login_blocked(email: str, address: str) -> bool:
    """True once too many failures were recorded for this account or this address."""
    return any(not _limiter().test(rule, *key) for rule, key in _rules(email, address))


def record_failure(email: str, address: str) -> None:
    for rule, key in _rules(email, address):
        _limiter().hit(rule, *key)


def reset(email: str) -> None:
    """A successful login clears the account's failures (the address keeps its count)."""
    rule = parse(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    _limiter().clear(rule, "login-account", email.lower())


def health() -> dict:
    return _limiter().health()
