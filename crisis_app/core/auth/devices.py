"""Known devices: a signed, long-lived cookie saying which accounts signed in from this browser before.

A known device is judged on its own failed logins only (core.auth.ratelimit), so a stranger's failures on the
account — or from the same address — do not slow its owner down. The cookie holds a random device id and the ids of
at most ``MAX_ACCOUNTS`` accounts; it is signed with the secret key (a forged or edited one is ignored), HttpOnly,
and Secure in production.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Request, Response, current_app
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE_NAME = "vigie_device"
MAX_AGE_SECONDS = 400 * 24 * 3600
MAX_ACCOUNTS = 5
_SALT = "vigie.known-device"


@dataclass(frozen=True)
class Device:
    device_id: str
    user_ids: tuple[int, ...]

    def knows(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.user_ids


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def from_request(request: Request) -> Device | None:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw or len(raw) > 1000:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE_SECONDS)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str) or not isinstance(data.get("u"), list):
        return None
    ids = tuple(u for u in data["u"] if isinstance(u, int) and not isinstance(u, bool))
    return Device(device_id=data["d"], user_ids=ids[:MAX_ACCOUNTS])


def remember(response: Response, device: Device | None, user_id: int) -> None:
    """Mark this browser as a known device of ``user_id`` (kept with the accounts it knew, newest last)."""
    device_id = device.device_id if device else secrets.token_urlsafe(16)
    ids = [u for u in (device.user_ids if device else ()) if u != user_id] + [user_id]
    value = _serializer().dumps({"d": device_id, "u": ids[-MAX_ACCOUNTS:]})
    response.set_cookie(COOKIE_NAME, value, max_age=MAX_AGE_SECONDS, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
