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
    from crisis_app.core.audit_labels import register_labels

    register_labels(actions={"plan.draft": "Brouillon du plan créé", "plan.edit": "Modification du plan",
                             "plan.validate": "Validation du plan", "plan.publish": "Publication du plan",
                             "plan.activity.create": "Action de l'année ajoutée",
                             "plan.activity.update": "Action de l'année modifiée",
                             "plan.comment": "Commentaire sur le plan",
                             "plan.comment.resolve": "Fil de commentaires résolu",
                             "plan.send": "Plan envoyé aux tutelles", "plan.resend": "Plan renvoyé à une tutelle"},
                    objects={"plan": "Plan d'action", "plan_activity": "Action de l'année"})
    api.register_blueprint(api_bp)
    presets.register_provider(presets_for)
    from crisis_app.core.notifications import outbox
    from crisis_app.plan.dispatch import TOPIC

    outbox.TOPIC_LABELS[TOPIC] = "Plan d'action publié"
