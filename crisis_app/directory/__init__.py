"""Directory of professionals, partner organisations and audiences: who can be alerted and mobilised.

One sub-package per concept: ``professionals``, ``organisations``, ``audiences``, ``imports`` (Annuaire Santé, CSV,
import jobs, command line) and the freshness ``campaign``. What they share lives here: the page and API
blueprints (``views``, ``api``), the search criteria and schema building blocks (``schemas``), form helpers
(``forms``), identifier checks (``validation``), outbox recipients (``contacts``) and the demo data.
"""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the directory's pages, API, commands and demo data (append one line per module)."""
    from celery.schedules import crontab

    from crisis_app.directory import openapi_rules
    from crisis_app.directory.api import bp as api_bp
    from crisis_app.directory.audiences import api as _audiences_api  # noqa: F401 - routes attach to api_bp
    from crisis_app.directory.audiences import models as _audiences_models  # noqa: F401 - tables known to migrations
    from crisis_app.directory.audiences import views as _audiences_views  # noqa: F401 - routes attach to views_bp
    from crisis_app.directory.campaign import views as campaign_views
    from crisis_app.directory.demo import seed as _demo_seed  # noqa: F401 - the demo seeder registers itself
    from crisis_app.directory.imports import cli, tasks
    from crisis_app.directory.imports import models as _imports_models  # noqa: F401 - tables known to migrations
    from crisis_app.directory.imports import views as import_views
    from crisis_app.directory.organisations import api as _organisations_api  # noqa: F401 - routes attach to api_bp
    from crisis_app.directory.organisations import models as _organisations_models  # noqa: F401 - tables
    from crisis_app.directory.organisations import views as _organisations_views  # noqa: F401 - routes attach
    from crisis_app.directory.professionals import accounts
    from crisis_app.directory.professionals import api as _professionals_api  # noqa: F401 - routes attach to api_bp
    from crisis_app.directory.professionals import models as _professionals_models  # noqa: F401 - tables
    from crisis_app.directory.professionals import views as _professionals_views  # noqa: F401 - routes attach
    from crisis_app.directory.professionals.home import CARDS as _cards  # noqa: F401 - home cards register themselves
    from crisis_app.directory.views import bp as views_bp

    app.register_blueprint(views_bp)
    app.register_blueprint(import_views.bp)
    app.register_blueprint(campaign_views.bp)
    api.register_blueprint(api_bp)
    openapi_rules.document(api)
    cli.register(app)
    accounts.connect()  # a new account is linked to its entry; account pages show it
    app.extensions["celery"].conf.beat_schedule["directory-stale-imports"] = {
        "task": tasks.EXPIRE_IMPORTS, "schedule": crontab(minute=15)}
