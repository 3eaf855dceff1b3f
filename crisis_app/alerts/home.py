"""The alerts' card on the home page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from crisis_app.alerts import services
from crisis_app.alerts.models import Alert, AlertStatus
from crisis_app.core.db import db, utcnow
from crisis_app.core.home import Card, card_provider
from crisis_app.core.timez import paris_datetime


@card_provider("alerts.send", order=4)
def _compose_card(user):
    yield Card(title="Alerter les professionnels", value="SMS · e-mail",
               detail="Depuis un modèle par typologie et gradation, ou en texte libre.",
               url=url_for("alerts.compose"), action="Nouvelle alerte", tone="neutral")


@card_provider("alerts.read", order=5)
def _alerts_card(user):
    latest = db.session.scalar(sa.select(Alert).order_by(Alert.created_at.desc()).limit(1))
    if latest is None:
        yield Card(title="Alertes", value="Aucune alerte envoyée", url=url_for("alerts.index"),
                   action="Voir les alertes")
        return
    figures = services.counts(latest)
    kind = "Exercice" if latest.is_exercise else "Dernière alerte"
    # in progress: neither ended nor cancelled, still within its answer window, and not an exercise
    live = (latest.status is AlertStatus.ACTIVE and not latest.is_exercise
            and services.answer_deadline(latest) > utcnow())
    tone = "alert" if live else "neutral"
    yield Card(title=f"{kind} : {latest.title}", value=f"{figures['answered']} / {figures['recipients']} réponses",
               detail=f"Envoyée le {paris_datetime(latest.created_at, '%d/%m à %H:%M')} à « {latest.audience_name} »",
               url=url_for("alerts.detail", alert_id=latest.id), action="Suivre les réponses", tone=tone,
               urgent=live)
