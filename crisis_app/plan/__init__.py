"""The crisis action plan: versions per year on the national outline, presets, PDF, mission indicators."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the plan's pages, API, home card, demo data and the presets it offers the alert composer."""
    from crisis_app.core import presets
    from crisis_app.plan import demo, home, models  # noqa: F401 - tables, home card and demo seeder register
    from crisis_app.plan.api import bp as api_bp
    from crisis_app.plan.services import presets_for
    from crisis_app.plan.views import bp

    app.register_blueprint(bp)
    api.register_blueprint(api_bp)
    presets.register_provider(presets_for)
