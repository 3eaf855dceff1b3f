"""What a page does with a service's answer to a button: one place for every domain.

A button posts, the service acts inside the request's unit of work, and the person goes back to the page with what
happened: the success, or the refusal in French with its field messages (and what the refused call wrote is dropped).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect

from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError


def refusal_text(exc: ServiceError) -> str:
    """The refusal as one sentence: its message, then each field's message not already said."""
    extra = [m for ms in exc.fields.values() for m in ms if m != exc.message]
    return " ".join([exc.message, *extra])


def act_and_go_back(call: Callable[[], object], success: str, back: str):
    """Call the service; flash its success or its refusal (dropping what it wrote); redirect to ``back``."""
    try:
        call()
    except ServiceError as exc:
        abandon()
        flash(refusal_text(exc), "error")
    else:
        flash(success, "success")
    return redirect(back)
