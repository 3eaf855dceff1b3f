"""Crises: qualification, gradation, cellule de crise, journal de bord, RETEX."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the crises' pages, API, commands and the subscribers that write Vigie's own journal lines."""
    from crisis_app.crises import api as crises_api
    from crisis_app.crises import cli, demo, models, services, subscribers, views, views_mission  # noqa: F401

    app.register_blueprint(views.bp)
    from crisis_app.crises.views_public import public_bp

    app.register_blueprint(public_bp)
    api.register_blueprint(crises_api.bp)
    from crisis_app.crises import api_situation

    api.register_blueprint(api_situation.bp)
    from crisis_app.crises import api_public

    api.register_blueprint(api_public.bp)
    cli.register(app)
    subscribers.connect()
    services.register_context()
    from crisis_app.core.audit_labels import register_labels

    register_labels(actions={
        "crisis.level": "Changement de niveau d'une crise", "crisis.close": "Clôture d'une crise",
        "crisis.cell_activate": "Activation de la cellule de crise",
        "crisis.journal_entry": "Ligne du journal de bord", "crisis.need_add": "Besoin identifié",
        "crisis.need_update": "Suivi d'un besoin", "crisis.evaluation_save": "RETEX enregistré",
        "crisis.evaluation_validate": "RETEX validé", "crisis.evaluation_send": "RETEX envoyé",
        "crisis.evaluation_resend": "RETEX renvoyé à un destinataire",
        "crisis.situation_create": "Point de situation rédigé", "crisis.situation_edit": "Point de situation modifié",
        "crisis.situation_send": "Point de situation envoyé",
        "crisis.situation_resend": "Point de situation renvoyé à un destinataire",
        "crisis.public_page_publish": "Page d'information de la population publiée",
        "crisis.public_page_withdraw": "Page d'information de la population retirée"})
    from crisis_app.core.notifications import outbox
    from crisis_app.crises.retex import TOPIC

    outbox.TOPIC_LABELS[TOPIC] = "Retour d'expérience (RETEX)"
    from crisis_app.crises.situation import TOPIC as SITUATION_TOPIC

    outbox.TOPIC_LABELS[SITUATION_TOPIC] = "Point de situation aux partenaires"
    views_mission.register(app, api)
