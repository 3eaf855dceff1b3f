"""The crisis banner shown on every page, and the crisis card of the home page."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from crisis_app.core.home import Card, card_provider
from crisis_app.crises import services

bp = Blueprint("crises", __name__)
services.register_context()


@bp.record_once
def _subscribe(_state) -> None:
    from crisis_app.alerts import signals

    for signal in (signals.alert_sent, signals.alert_cancelled, signals.alert_ended):
        signal.connect(services._journal_alert_event)


@bp.app_context_processor
def inject_crisis_banner():
    if not current_user.is_authenticated:
        return {}
    return {"active_crisis": services.current_crisis(), "show_crisis_banner": True}


@card_provider("crisis.read", order=0)
def _crisis_card(user):
    crisis = services.current_crisis()
    if crisis is None:
        yield Card(title="Crise sanitaire", value="Aucune crise active", tone="ok",
                   detail="Vigie est en veille.")
        return
    yield Card(title="Crise sanitaire", value=f"Gradation {crisis.gradation}", tone="alert",
               detail=f"{crisis.title} — {crisis.typology_label}, ouverte le "
                      f"{crisis.opened_at:%d/%m/%Y à %H:%M} (UTC)")
