"""Quality programme: EIAS register (declaration, triage, EIGS deadlines); later CREX/RMM sessions and actions.

Imports ``crisis_app.core`` and the directory's services only; the crisis side never imports this package.
"""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the quality pages, API, beat entry, home cards and demo data."""
    from celery.schedules import crontab

    from quality import demo, home, models, tasks  # noqa: F401 - tables, cards, task and demo seeder register
    from quality.api import bp as api_bp
    from quality.review import bp as review_bp
    from quality.views import bp, public_bp

    app.register_blueprint(bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(public_bp)
    api.register_blueprint(api_bp)
    app.extensions["celery"].conf.beat_schedule["quality-eigs-reminders"] = {
        "task": tasks.EIGS_REMINDERS, "schedule": crontab(hour=7, minute=0)}
    from quality import programme

    programme.init_app(app, api)
