"""JSON API of alerts (the provider webhooks live in core.notifications.webhooks)."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from flask import request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.alerts import followup, history, services
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.alerts.schemas import (
    AlertInputSchema,
    AlertListSchema,
    AlertSchema,
    ComplementInputSchema,
    ComplementResultSchema,
    DeliveryListSchema,
    DeliveryQuerySchema,
    EndInputSchema,
    HistorySchema,
)
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.db import db
from crisis_app.core.notifications.models import Delivery
from crisis_app.directory.professionals.models import Professional

bp = Blueprint("api_alerts", __name__, url_prefix="/api/v1", description="Alertes et suivi des envois")


_errors = partial(error_responses, bp)


@bp.route("/alerts")
class Alerts(MethodView):
    @permission_required("alerts.read")
    @_errors(401, 403)
    @bp.response(200, AlertListSchema)
    def get(self):
        """Alerts, newest first."""
        alerts = db.session.scalars(sa.select(Alert).order_by(Alert.created_at.desc()).limit(200)).all()
        return {"items": alerts, "total": len(alerts)}

    @permission_required("alerts.send")
    @_errors(401, 403)
    @bp.arguments(AlertInputSchema)
    @bp.response(201, AlertSchema)
    def post(self, data):
        """Send an alert to an audience on the chosen channels (référent)."""
        return services.send_alert(actor=current_user._get_current_object(), data=request.get_json())


@bp.route("/alerts/<int:alert_id>")
class AlertItem(MethodView):
    @permission_required("alerts.read")
    @_errors(401, 403, 404)
    @bp.response(200, AlertSchema)
    def get(self, alert_id: int):
        """One alert with its live figures."""
        return get_for_user(Alert, alert_id, "alerts.read")


@bp.route("/alerts/<int:alert_id>/deliveries")
class AlertDeliveries(MethodView):
    @permission_required("alerts.read")
    @_errors(401, 403, 404)
    @bp.arguments(DeliveryQuerySchema, location="query")
    @bp.response(200, DeliveryListSchema)
    def get(self, args, alert_id: int):
        """Per recipient and channel: state, error, answer. ``answered=false`` lists who is silent."""
        alert = get_for_user(Alert, alert_id, "alerts.read")
        query = (sa.select(Delivery, AlertRecipient)
                 .outerjoin(AlertRecipient, Delivery.recipient_id == AlertRecipient.message_recipient_id)
                 .where(Delivery.message_id == (alert.message_id or -1)))
        if "state" in args:
            query = query.where(Delivery.state == args["state"])
        if "channel" in args:
            query = query.where(Delivery.channel == args["channel"])
        if "answered" in args:
            answered = AlertRecipient.answered_at.isnot(None)
            query = query.where(answered if args["answered"] else sa.not_(answered))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        items = []
        for delivery, recipient in db.session.execute(query.order_by(Delivery.id).limit(args["limit"])
                                                      .offset(args["offset"])):
            delivery.alert_recipient = recipient
            items.append(delivery)
        return {"items": items, "total": total}


@bp.route("/alerts/<int:alert_id>/cancel")
class AlertCancel(MethodView):
    @permission_required("alerts.send")
    @_errors(401, 403, 404, 409)
    @bp.response(200, AlertSchema)
    def post(self, alert_id: int):
        """Hold every message not sent yet."""
        alert = get_for_user(Alert, alert_id, "alerts.send")
        services.cancel_alert(actor=current_user._get_current_object(), alert=alert)
        return alert


@bp.route("/alerts/<int:alert_id>/end")
class AlertEnd(MethodView):
    @permission_required("alerts.send")
    @_errors(401, 403, 404, 409)
    @bp.arguments(EndInputSchema)
    @bp.response(200, AlertSchema)
    def post(self, data, alert_id: int):
        """Close the alert and send the end-of-alert message to the same recipients."""
        alert = get_for_user(Alert, alert_id, "alerts.send")
        services.end_alert(actor=current_user._get_current_object(), alert=alert, text=data["text"])
        return alert


@bp.route("/alerts/<int:alert_id>/complement")
class AlertComplement(MethodView):
    @permission_required("alerts.send")
    @_errors(401, 403, 404, 409, 422)
    @bp.arguments(ComplementInputSchema)
    @bp.response(200, ComplementResultSchema)
    def post(self, data, alert_id: int):
        """A follow-up message on the running alert, to who answered present; the audience's newcomers are added."""
        alert = get_for_user(Alert, alert_id, "alerts.send")
        return followup.complement_alert(actor=current_user._get_current_object(), alert=alert, text=data["text"])


@bp.route("/alerts/people/<int:professional_id>/history")
class AlertHistory(MethodView):
    @permission_required("alerts.history")
    @_errors(401, 403, 404)
    @bp.response(200, HistorySchema)
    def get(self, professional_id: int):
        """One person's answers over the last twelve months (référents and coordinator only)."""
        person = get_for_user(Professional, professional_id, "alerts.history")
        return history.person_year(person.id)
