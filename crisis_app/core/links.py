"""Signed personal links (an alert's answer link, a directory confirmation link…): no login, unforgeable.

A token is ``<subject id>.<HMAC-SHA256(secret, "<purpose>:<scope>:<scope id>:recipient:<subject id>")>`` truncated
to 128 bits: it cannot be forged nor moved to another person, another message or another purpose, and it is short
enough for an SMS. The domain decides what the subject and scope are and whether the link has expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

MAX_ID = 2**31 - 1  # the databases' INTEGER: a bigger id is simply not a link of ours


class LinkError(Exception):
    """A link that cannot be followed: ``status`` 404 (forged, unknown) or 410 (expired, closed)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def signature(purpose: str, scope: str, scope_id: int, subject_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    text = f"{purpose}:{scope}:{scope_id}:recipient:{subject_id}".encode()
    digest = hmac.new(key, text, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(purpose: str, scope: str, scope_id: int, subject_id: int) -> str:
    return f"{subject_id}.{signature(purpose, scope, scope_id, subject_id)}"


def subject_of(token: str, message: str = "Ce lien n'est pas valide.") -> tuple[int, str]:
    """``(subject id, signature)`` read from a token, or ``LinkError(404)`` for anything malformed."""
    subject, _, sig = (token or "").partition(".")
    # isdigit() accepts "²" or "١": only ASCII digits make an id, and only in the database's range.
    if not (subject.isascii() and subject.isdigit() and len(subject) <= 10) or not sig or not sig.isascii():
        raise LinkError(404, message)
    subject_id = int(subject)
    if not 0 < subject_id <= MAX_ID:
        raise LinkError(404, message)
    return subject_id, sig


def verify(sig: str, purpose: str, scope: str, scope_id: int, subject_id: int) -> bool:
    return hmac.compare_digest(sig, signature(purpose, scope, scope_id, subject_id))


def public_url(path: str) -> str:
    """The address people open from their messages (``VIGIE_PUBLIC_URL``)."""
    return f"{current_app.config['PUBLIC_URL']}{path}"
