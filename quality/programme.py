"""Part 2 of the quality programme: sessions, analyses, actions, indicators — registered from quality.init_app."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the sessions' tables, pages, API, beat entries and home cards."""
    from quality import models_actions, models_sessions  # noqa: F401 - tables
