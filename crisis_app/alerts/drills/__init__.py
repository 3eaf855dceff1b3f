"""Drills of the alert chain (« exercices d'alerte »): scheduled or unannounced, measured, reported to the ARS."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the drills' pages, API, report maker, demo data and the beat entry that launches due drills."""
    from crisis_app.alerts.drills import api as drills_api
    from crisis_app.alerts.drills import demo, documents, tasks, views  # noqa: F401 - the maker and demo register
    from crisis_app.core.audit_labels import register_labels

    register_labels(actions={"drill.create": "Exercice d'alerte créé", "drill.launch": "Exercice d'alerte lancé",
                             "drill.cancel": "Exercice d'alerte annulé",
                             "drill.failed": "Exercice d'alerte non lancé"},
                    objects={"drill": "Exercice d'alerte"})
    app.register_blueprint(views.bp)
    api.register_blueprint(drills_api.bp)
    app.extensions["celery"].conf.beat_schedule["drills-launch-due"] = {"task": tasks.LAUNCH_DUE, "schedule": 60.0}
