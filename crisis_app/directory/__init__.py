"""Directory of professionals, partner organisations and audiences: who can be alerted and mobilised."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the directory's pages, API, commands and demo data (append one line per module)."""
    from crisis_app.directory import models  # noqa: F401 - tables known to migrations
