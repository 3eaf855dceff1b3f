"""Failed logins slow further tries down, per account and per address, with a wait that doubles — never a lock.

After ``LOGIN_FREE_FAILURES_ACCOUNT`` failures on an account (or ``LOGIN_FREE_FAILURES_ADDRESS`` from one client
address), each further failure makes the next try wait ``LOGIN_DELAY_BASE_SECONDS``, then twice that, up to
``LOGIN_DELAY_MAX_SECONDS``; once the wait is over the right password works. A device that signed in to the
account before (core.auth.devices) is judged on its own failures only, so nobody else's failures slow it down.

What is kept is no more than the rule needs: per key a failure count (forgotten ``LOGIN_FAILURE_MEMORY_SECONDS``
after the last failure) and a flag that expires when the wait is over — no timestamps, and keys are keyed hashes
of the account or address, never the e-mail or the IP in clear.

The state lives in Redis in production. When Redis cannot be reached, login keeps working: failures are counted in
this process instead (so the rule holds per web process, not across them), a warning is logged once per outage,
``/healthz`` reports ``login_limiter: degraded``, and Redis is tried again after ``RETRY_SECONDS``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from dataclasses import dataclass

import redis
from flask import current_app

log = logging.getLogger(__name__)

RETRY_SECONDS = 30.0
MEMORY_MAX_KEYS = 50_000
KEY_PREFIX = "vigie:login:"


class MemoryStore:
    """Counters and waits in this process, each with its expiry (monotonic clock)."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[int, float]] = {}

    def _get(self, key: str) -> int | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] <= time.monotonic():
            del self._items[key]
            return None
        return item[0]

    def _prune(self) -> None:
        if len(self._items) < MEMORY_MAX_KEYS:
            return
        now = time.monotonic()
        self._items = {k: v for k, v in self._items.items() if v[1] > now}
        while len(self._items) >= MEMORY_MAX_KEYS:  # still full of live keys: forget the soonest to expire
            self._items.pop(min(self._items, key=lambda k: self._items[k][1]))

    def incr(self, key: str, ttl: float) -> int:
        self._prune()
        count = (self._get(key) or 0) + 1
        self._items[key] = (count, time.monotonic() + ttl)
        return count

    def set_wait(self, key: str, seconds: float) -> None:
        self._prune()
        self._items[key] = (1, time.monotonic() + seconds)

    def wait_left(self, key: str) -> float:
        item = self._items.get(key)
        if item is None or self._get(key) is None:
            return 0.0
        return max(item[1] - time.monotonic(), 0.0)

    def delete(self, *keys: str) -> None:
        for key in keys:
            self._items.pop(key, None)

    def check(self) -> bool:
        return True


class RedisStore:
    def __init__(self, uri: str) -> None:
        self.client = redis.Redis.from_url(uri, socket_connect_timeout=1.0, socket_timeout=1.0)

    def incr(self, key: str, ttl: float) -> int:
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expire(key, math.ceil(ttl))
        return int(pipe.execute()[0])

    def set_wait(self, key: str, seconds: float) -> None:
        self.client.set(key, b"1", px=max(int(seconds * 1000), 1))

    def wait_left(self, key: str) -> float:
        ms = self.client.pttl(key)
        return ms / 1000 if ms and ms > 0 else 0.0

    def delete(self, *keys: str) -> None:
        self.client.delete(*keys)

    def check(self) -> bool:
        return bool(self.client.ping())


class ResilientStore:
    """The configured store, falling back to process memory while Redis fails."""

    def __init__(self, uri: str) -> None:
        self.shared = None if uri.startswith("memory://") else RedisStore(uri)
        self.local = MemoryStore()
        self._skip_shared_until = 0.0
        self.degraded = False

    def _call(self, method: str, *args):
        if self.shared is not None and time.monotonic() >= self._skip_shared_until:
            try:
                result = getattr(self.shared, method)(*args)
            except redis.RedisError as exc:
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

    def incr(self, key: str, ttl: float) -> int:
        return self._call("incr", key, ttl)

    def set_wait(self, key: str, seconds: float) -> None:
        self._call("set_wait", key, seconds)

    def wait_left(self, key: str) -> float:
        return self._call("wait_left", key)

    def delete(self, *keys: str) -> None:
        self._call("delete", *keys)

    def health(self) -> dict:
        """What /healthz says about the login limiter."""
        if self.shared is None:
            return {"ok": True, "status": "ok", "storage": "memory"}
        try:
            reachable = self.shared.check()
        except redis.RedisError:
            reachable = False
        if reachable:
            return {"ok": True, "status": "ok", "storage": "redis"}
        self._fail(RuntimeError("health check failed"))
        return {"ok": False, "status": "degraded", "storage": "memory (Redis injoignable)"}


def _store() -> ResilientStore:
    ext = current_app.extensions
    if "vigie_login_limiter" not in ext:
        ext["vigie_login_limiter"] = ResilientStore(current_app.config["RATELIMIT_STORAGE_URI"])
    return ext["vigie_login_limiter"]


@dataclass(frozen=True)
class Key:
    """What failures are counted against: ``account`` (a normalised e-mail, known or not), ``address`` (the
    client address), ``device`` (a known device signing in to its account)."""

    kind: str
    value: str

    @property
    def name(self) -> str:
        secret = current_app.config["SECRET_KEY"].encode()
        digest = hmac.new(secret, f"{self.kind}:{self.value}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{KEY_PREFIX}{self.kind}:{digest}"

    def free_failures(self) -> int:
        config = current_app.config
        return int(config["LOGIN_FREE_FAILURES_ADDRESS"] if self.kind == "address"
                   else config["LOGIN_FREE_FAILURES_ACCOUNT"])


def delay_after(failures: int, free: int) -> float:
    """The wait before the next try once ``failures`` were counted: none within the free ones, then the base
    delay, doubling with each further failure, up to the maximum."""
    if failures < free:
        return 0.0
    config = current_app.config
    base, cap = float(config["LOGIN_DELAY_BASE_SECONDS"]), float(config["LOGIN_DELAY_MAX_SECONDS"])
    return min(base * 2 ** min(failures - free, 30), cap)


def wait_left(keys: list[Key]) -> float:
    """Seconds before a try on these keys is taken (0: now)."""
    return max((_store().wait_left(k.name + ":wait") for k in keys), default=0.0)


def record_failure(keys: list[Key]) -> None:
    memory = float(current_app.config["LOGIN_FAILURE_MEMORY_SECONDS"])
    for key in keys:
        failures = _store().incr(key.name + ":n", memory)
        delay = delay_after(failures, key.free_failures())
        if delay > 0:
            _store().set_wait(key.name + ":wait", delay)


def reset(keys: list[Key]) -> None:
    """A successful login forgets these keys' failures (the caller leaves the address's count alone)."""
    for key in keys:
        _store().delete(key.name + ":n", key.name + ":wait")


def allow(keys: list[Key], per_window: int, window_seconds: float) -> bool:
    """Count one request on each key (counts forgotten ``window_seconds`` after the last one); False once a key
    went over ``per_window``. For requests that are not logins (a password reset link)."""
    return all(_store().incr(key.name + ":n", window_seconds) <= per_window for key in keys)


def health() -> dict:
    return _store().health()
