"""Signals the stock package sends so that higher packages (crises) can react without being imported here.

Sent inside the sender's transaction, before its commit, with the movement as sender and keyword arguments
``crisis_id`` (int or None), ``summary`` (French, one line, for people) and ``actor`` (User or None). A receiver
adds rows to the same session and never commits.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

handed_out = _signals.signal("handed-out")  # equipment distributed (a DISTRIBUTION movement was written)
