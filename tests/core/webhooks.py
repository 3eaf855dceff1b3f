"""Sign a webhook call as a provider configured with VIGIE_WEBHOOK_SECRET does (shared by the domains' tests)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

SECRET = "s3cret-for-tests"


def signed(app, body: dict, *, at: float | None = None) -> tuple[bytes, dict]:
    """The raw body and the headers of a call signed with the app's secret at ``at`` (now by default)."""
    raw = json.dumps(body).encode()
    stamp = str(int(time.time() if at is None else at))
    signature = hmac.new(app.config["WEBHOOK_SECRET"].encode(), stamp.encode() + b"." + raw,
                         hashlib.sha256).hexdigest()
    return raw, {"X-Vigie-Signature": f"sha256={signature}", "X-Vigie-Timestamp": stamp,
                 "Content-Type": "application/json"}
