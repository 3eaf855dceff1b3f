"""The alerts' card on the home page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from crisis_app.alerts import services
from crisis_app.alerts.models import Alert, AlertStatus
from crisis_app.core import crisis_context
from crisis_app.core.db import db, utcnow
from crisis_app.core.formats import nombre
from crisis_app.core.home import Card, card_provider
from crisis_app.core.timez import paris_datetime


@card_provider("alerts.send", order=4)
def _compose_card(user):
    yield Card(title="Alerter les professionnels", value="SMS · e-mail",
               detail="Depuis un modèle par typologie et gradation, ou en texte libre.",
               url=url_for("alerts.compose"), action="Nouvelle alerte", tone="neutral")


@card_provider("alerts.read", order=5)
def _alerts_card(user):
    """One "dernière alerte" card per open crisis (never another crisis's alert); without an open crisis, the
    latest alert sent."""
    crises = crisis_context.open_crises()
    if not crises:
        latest = db.session.scalar(sa.select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc()).limit(1))
        if latest is None:
            yield Card(title="Alertes", value="Aucune alerte envoyée", url=url_for("alerts.index"),
                       action="Voir les alertes")
            return
        yield _latest_card(latest, None)
        return
    for crisis in crises:
        latest = db.session.scalar(sa.select(Alert).where(Alert.crisis_id == crisis.id)
                                   .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(1))
        if latest is None:
            yield Card(title=f"Alertes — {crisis.title}", value="Aucune alerte pour cette crise",
                       url=url_for("alerts.index"), action="Voir les alertes")
        else:
            yield _latest_card(latest, crisis)


def _latest_card(latest: Alert, crisis) -> Card:
    figures = services.counts(latest)
    kind = "Exercice" if latest.is_exercise else "Dernière alerte"
    # in progress: neither ended nor cancelled, still within its answer window, and not an exercise
    live = (latest.status is AlertStatus.ACTIVE and not latest.is_exercise
            and services.answer_deadline(latest) > utcnow())
    tone = "alert" if live else "neutral"
    about = f" ({crisis.title})" if crisis is not None else ""
    return Card(title=f"{kind}{about} : {latest.title}",
                value=f"{nombre(figures['answered'])} / {nombre(figures['recipients'])} réponses",
                detail=f"Envoyée le {paris_datetime(latest.created_at, '%d/%m à %H:%M')} à « {latest.audience_name} »",
                url=url_for("alerts.detail", alert_id=latest.id), action="Suivre les réponses", tone=tone,
                urgent=live)
