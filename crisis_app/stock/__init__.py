"""Equipment stock: items, locations, lots and the movement ledger."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the stock's pages, API, beat entries, home cards and demo data."""
    from celery.schedules import crontab

    from crisis_app.stock import demo, models, openapi_rules, tasks  # noqa: F401 - tables, task and demo seeder
    from crisis_app.stock.api import bp as api_bp
    from crisis_app.stock.views import bp

    app.register_blueprint(bp)
    from crisis_app.core.audit_labels import register_labels

    register_labels(actions={**{f"stock.{k.value}": f"Stock : {k.label.lower()}" for k in models.MovementKind},
                             "stock.location.update": "Modification d'un lieu de stockage",
                             "stock.notify": "Alerte de stock envoyée"})
    api.register_blueprint(api_bp)
    openapi_rules.document(api)
    app.extensions["celery"].conf.beat_schedule["stock-daily-check"] = {
        "task": tasks.DAILY_CHECK, "schedule": crontab(hour=6, minute=0)}
