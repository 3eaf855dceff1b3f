"""Quality programme: the register of adverse events (EIAS, EIGS), CREX/RMM/patient-traceur sessions, analyses,
the follow-up of corrective actions, indicators.

Sub-packages by concept: ``register``, ``sessions``, ``analyses``, ``action_followup``, ``indicators``; shared here:
the patient-data screen (``screening``), free-text checks (``validation``), the one point to the outbox
(``notify``), the programme's blueprints (``blueprints``). Imports ``crisis_app.core``, the directory's services and
the action plan; the crisis side never imports this package.
"""

from __future__ import annotations

import importlib

# Modules that register something when imported: tables, routes on the shared blueprints (in the order the OpenAPI
# document lists them), home cards, Celery tasks, demo seeders.
REGISTERING = (
    "quality.register.models", "quality.sessions.models", "quality.surveys.models", "quality.pacte.models",
    "quality.analyses.models",
    "quality.indicators.models",
    "quality.sessions.views", "quality.sessions.series_views", "quality.action_followup.views",
    "quality.indicators.views",
    "quality.sessions.api", "quality.sessions.series_api", "quality.surveys.api", "quality.analyses.api",
    "quality.action_followup.api",
    "quality.indicators.api",
    "quality.register.home", "quality.sessions.home", "quality.action_followup.home",
    "quality.register.tasks", "quality.sessions.tasks", "quality.action_followup.tasks",
    "quality.register.demo", "quality.sessions.demo", "quality.surveys.demo", "quality.pacte.demo",
    "quality.surveys.messages",
)


def init_app(app, api) -> None:
    """Register the quality tables, pages, API, beat entries, home cards and demo data."""
    from celery.schedules import crontab

    for name in REGISTERING:
        importlib.import_module(name)
    from quality import blueprints
    from quality.action_followup.tasks import ACTION_REMINDERS
    from quality.analyses.views import bp as analyses_bp
    from quality.pacte.views import bp as pacte_bp
    from quality.register.api import bp as api_bp
    from quality.register.review import bp as review_bp
    from quality.register.tasks import ANNOUNCE_ANONYMOUS, ANONYMOUS_JOURNAL, EIGS_REMINDERS
    from quality.register.views import bp, public_bp
    from quality.sessions.tasks import AGENDAS, SERIES_TOP_UP
    from quality.surveys.views import bp as surveys_bp
    from quality.surveys.views import public_bp as surveys_public_bp

    app.register_blueprint(bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(public_bp)
    api.register_blueprint(api_bp)
    app.register_blueprint(blueprints.programme_bp)
    app.register_blueprint(analyses_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(surveys_public_bp)
    app.register_blueprint(pacte_bp)
    app.register_blueprint(blueprints.admin_bp)
    api.register_blueprint(blueprints.programme_api_bp)
    from crisis_app.core.notifications import outbox

    outbox.TOPIC_LABELS.update({
        "quality.ack": "Accusé de réception d'une déclaration", "quality.feedback": "Retour au déclarant",
        "quality.eigs_reminder": "Rappel EIGS (partie 2)", "quality.new_event": "Événement indésirable à trier",
        "quality.lessons": "Enseignements partagés", "quality.session.invite": "Invitation à une séance qualité",
        "quality.session.update": "Séance qualité modifiée", "quality.session.cancel": "Séance qualité annulée",
        "quality.session.agenda": "Ordre du jour d'une séance", "quality.session.minutes": "Compte rendu de séance",
        "quality.series.invite": "Invitation à des séances qualité récurrentes",
        "quality.survey.invite": "Invitation à un questionnaire de culture de sécurité",
    })
    from crisis_app.core.audit_labels import register_labels

    register_labels(actions={
        "quality.session.discussion": "Séance qualité : cas discuté et conclusions",
        "quality.series.create": "Séances récurrentes : série planifiée",
        "quality.series.invite": "Séances récurrentes : invitation envoyée",
        "quality.series.top_up": "Séances récurrentes : séances créées d'avance",
        "quality.survey.create": "Questionnaire : création", "quality.survey.open": "Questionnaire : ouverture",
        "quality.survey.closed": "Questionnaire : clôture", "quality.survey.invite": "Questionnaire : invitations",
        "quality.survey.point": "Questionnaire : lien public créé",
        "quality.pacte.start": "PACTE : programme démarré", "quality.pacte.step": "PACTE : étape faite",
        "quality.pacte.maturity": "PACTE : auto-évaluation de la maturité",
    }, objects={"quality_session_series": "Série de séances qualité", "quality_survey": "Questionnaire",
                "quality_pacte": "Programme PACTE"}, fields={
        "case_summary": "Cas discuté", "conclusions": "Conclusions", "rrule": "Règle de répétition",
        "recurrence_at": "Début prévu par la série"})
    beat = app.extensions["celery"].conf.beat_schedule
    beat["quality-eigs-reminders"] = {"task": EIGS_REMINDERS, "schedule": crontab(hour=7, minute=0)}
    beat["quality-anonymous-journal"] = {"task": ANONYMOUS_JOURNAL, "schedule": crontab(hour=2, minute=40)}
    beat["quality-announce-anonymous"] = {"task": ANNOUNCE_ANONYMOUS, "schedule": crontab(minute=5)}
    beat["quality-session-agendas"] = {"task": AGENDAS, "schedule": crontab(minute=15)}
    beat["quality-session-series"] = {"task": SERIES_TOP_UP, "schedule": crontab(hour=3, minute=20)}
    beat["quality-action-reminders"] = {"task": ACTION_REMINDERS, "schedule": crontab(hour=7, minute=10)}
