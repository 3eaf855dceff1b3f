"""Abuse limit on the public declaration page and the follow-up pages, per address, without keeping addresses nor
the moment of a try.

The counter's key is an HMAC of the address under the app's secret and the number of the hour (a fixed bucket, not
a moving window): Redis (production) keeps one integer per address and hour, expiring at a whole hour, so neither
the key, the value nor its time to live tells when within the hour a declaration was made.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

from flask import current_app, request
from limits import parse

DEFAULT_RULE = "10/hour"
PREFIX = "vigie:quality:tries"

log = logging.getLogger(__name__)
_lock = threading.Lock()


def _address_key() -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:32]


def _store() -> dict:
    """The app's counters: the Redis client (None in memory mode) and the in-process fallback."""
    ext = current_app.extensions
    if "vigie_quality_limiter" not in ext:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI", "memory://")
        client = None
        if uri.startswith(("redis://", "rediss://", "unix://")):
            import redis

            client = redis.Redis.from_url(uri, socket_connect_timeout=1, socket_timeout=1)
        ext["vigie_quality_limiter"] = {"redis": client, "memory": {}}
    return ext["vigie_quality_limiter"]


def _count(key: str, expires_at: int) -> int:
    store = _store()
    if store["redis"] is not None:
        import redis

        try:
            pipe = store["redis"].pipeline()
            pipe.incr(key)
            pipe.expireat(key, expires_at)
            count, _ = pipe.execute()
            return int(count)
        except redis.RedisError as exc:  # counted in the process while Redis is away
            log.warning("quality: rate limit counted in memory, Redis unreachable (%s)", type(exc).__name__)
    memory = store["memory"]
    with _lock:
        now = int(time.time())
        for stale in [k for k, (_, end) in memory.items() if end <= now]:
            del memory[stale]
        count = memory.get(key, (0, expires_at))[0] + 1
        memory[key] = (count, expires_at)
        return count


def allow(scope: str) -> bool:
    """Count one try for this address in ``scope``; False once the address went over the limit in this bucket."""
    rule = parse(current_app.config.get("QUALITY_PUBLIC_RATE", DEFAULT_RULE))
    window = max(3600, rule.get_expiry())  # never finer than the hour
    bucket = int(time.time()) // window
    key = f"{PREFIX}:{scope}:{bucket}:{_address_key()}"
    return _count(key, (bucket + 1) * window) <= rule.amount
