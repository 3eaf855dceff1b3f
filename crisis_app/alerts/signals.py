"""Signals the alerts package sends so that higher packages (crises) can react without being imported here.

Each is sent inside the sender's transaction, before its commit, with the alert as sender and keyword arguments
``crisis_id`` (int or None), ``summary`` (French, one line, for people) and ``actor`` (User or None). A receiver
adds rows to the same session and never commits: the sender's commit keeps or drops them with its own change.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

alert_sent = _signals.signal("alert-sent")  # an alert (with all its deliveries) was written
alert_cancelled = _signals.signal("alert-cancelled")  # what had not left was held back
alert_ended = _signals.signal("alert-ended")  # the end-of-alert message was written
