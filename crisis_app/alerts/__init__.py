"""Alert broadcasting: one delivery per recipient and channel, answers, escalation."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the alerts' pages, API and home card, and wire them into the outbox explicitly: how an alert's
    message is written, its topic's label, its SMS reply handler and the escalation step of the sweeper."""
    from crisis_app.alerts import api as alerts_api
    from crisis_app.alerts import drills, home, messages, replies, services, views  # noqa: F401 - home registers its card
    from crisis_app.alerts.mobilisation import services as mobilisation
    from crisis_app.alerts.models import TOPIC
    from crisis_app.core.notifications import engine, outbox

    outbox.renderer(TOPIC)(messages.render)
    outbox.TOPIC_LABELS[TOPIC] = "Alerte"
    outbox.reply_handler(TOPIC)(replies.answer_from_sms)
    engine.sweep_step("mobilised")(mobilisation.advance)  # before escalation: no relance to a complete profession
    engine.sweep_step("escalated")(services.escalate)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.answer_bp)
    api.register_blueprint(alerts_api.bp)
    drills.init_app(app, api)
