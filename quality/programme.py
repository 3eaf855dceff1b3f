"""Part 2 of the quality programme: sessions, analyses, actions, indicators — registered from quality.init_app."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the sessions' tables, pages, API, beat entries and home cards."""
    from celery.schedules import crontab

    from quality import demo_programme, models_actions, models_sessions, session_tasks  # noqa: F401 - tables, tasks, demo seeder
    from quality.api_programme import bp as api_bp
    from quality.views_admin import bp as admin_bp
    from quality.views_analyses import bp as analyses_bp
    from quality.views_programme import bp

    app.register_blueprint(bp)
    app.register_blueprint(analyses_bp)
    app.register_blueprint(admin_bp)
    api.register_blueprint(api_bp)
    beat = app.extensions["celery"].conf.beat_schedule
    beat["quality-session-agendas"] = {"task": session_tasks.AGENDAS, "schedule": crontab(minute=15)}
    beat["quality-action-reminders"] = {"task": session_tasks.ACTION_REMINDERS,
                                        "schedule": crontab(hour=7, minute=10)}
