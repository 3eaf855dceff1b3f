"""Directory of professionals, partner organisations and audiences: who can be alerted and mobilised."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the directory's pages, API, commands and demo data (append one line per module)."""
    from crisis_app.directory import (  # noqa: F401 - route modules attach to the blueprints imported below
        audiences_api,
        audiences_views,
        campaign_views,
        cli,
        import_views,
        models,  # tables known to migrations
        openapi_rules,
        organisations_api,
        organisations_views,
        professionals_api,
        professionals_views,
        tasks,  # the import task, known to the worker
    )
    from crisis_app.directory.api import bp as api_bp
    from crisis_app.directory.demo import seed as _demo_seed  # noqa: F401 - the demo seeder registers itself
    from crisis_app.directory.home import CARDS as _cards  # noqa: F401 - home cards register themselves
    from crisis_app.directory.views import bp as views_bp

    app.register_blueprint(views_bp)
    app.register_blueprint(import_views.bp)
    app.register_blueprint(campaign_views.bp)
    api.register_blueprint(api_bp)
    openapi_rules.document(api)
    cli.register(app)
    from celery.schedules import crontab

    app.extensions["celery"].conf.beat_schedule["directory-stale-imports"] = {
        "task": tasks.EXPIRE_IMPORTS, "schedule": crontab(minute=15)}
