"""Abuse limit on the public declaration page and the follow-up pages, per address, without keeping addresses.

The counter's key is an HMAC of the address under the app's secret (Redis in production, memory otherwise): it
lives for the window only, is never written beside an event, and cannot be turned back into the address.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

DEFAULT_RULE = "10/hour"


def _limiter() -> MovingWindowRateLimiter:
    ext = current_app.extensions
    if "vigie_quality_limiter" not in ext:
        ext["vigie_quality_limiter"] = MovingWindowRateLimiter(
            storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"]))
    return ext["vigie_quality_limiter"]


def _address_key() -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:32]


def allow(scope: str) -> bool:
    """Count one try for this address in ``scope``; False once the address went over the limit."""
    rule = parse(current_app.config.get("QUALITY_PUBLIC_RATE", DEFAULT_RULE))
    return _limiter().hit(rule, "quality", scope, _address_key())
