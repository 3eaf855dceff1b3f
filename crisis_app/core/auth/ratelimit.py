"""Rate limit on failed logins: per account and per address, in Redis in production."""

from __future__ import annotations

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


def _limiter() -> MovingWindowRateLimiter:
    ext = current_app.extensions
    if "vigie_login_limiter" not in ext:
        storage = storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        ext["vigie_login_limiter"] = MovingWindowRateLimiter(storage)
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
    limiter = _limiter()
    rule = parse(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    limiter.clear(rule, "login-account", email.lower())
