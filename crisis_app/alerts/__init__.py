"""Alert broadcasting: one delivery per recipient and channel, answers, escalation."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the alerts' pages, API, webhooks, beat entries and home cards."""
