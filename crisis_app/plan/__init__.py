"""The crisis action plan: versions per year on the national outline, presets, PDF, mission indicators."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the plan's pages, API, home card, demo data and the presets it offers the alert composer."""
    from crisis_app.core import presets
    from crisis_app.plan import models  # noqa: F401 - tables known to migrations
    from crisis_app.plan.services import presets_for

    presets.register_provider(presets_for)
