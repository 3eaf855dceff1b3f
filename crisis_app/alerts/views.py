"""Pages: compose, list, follow an alert live; the built-in outbox; the public answer page."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.alerts import links, services
from crisis_app.alerts.models import STATE_LABELS, Alert, AlertRecipient, Delivery, DeliveryState
from crisis_app.alerts.rules import render, sms_size
from crisis_app.alerts.templates import TEMPLATES, TEMPLATES_BY_KEY
from crisis_app.core import presets
from crisis_app.core.access import get_for_user, permission_required, public
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import OutboxMessage
from crisis_app.core.notifications.registry import available_channels
from crisis_app.crises import services as crisis_services
from crisis_app.directory.audiences import list_audiences

bp = Blueprint("alerts", __name__, url_prefix="/alertes")
STATE_VALUES = {s.value for s in DeliveryState}
answer_bp = Blueprint("answers", __name__)


@bp.route("/")
@permission_required("alerts.read")
def index():
    alerts = db.session.scalars(sa.select(Alert).order_by(Alert.created_at.desc()).limit(100)).all()
    return render_template("alerts/index.html", alerts=alerts,
                           counts=services.answer_summaries([a.id for a in alerts]))


def _offered_templates(crisis) -> list:
    """The published plan's presets for the crisis's typology and gradation, else the built-in templates."""
    return presets.presets(crisis.typology if crisis else None, crisis.gradation if crisis else None) or TEMPLATES


def _compose_context(form: dict, errors: dict | None = None) -> dict:
    crisis = crisis_services.current_crisis()
    return {"form": form, "errors": errors or {}, "templates": _offered_templates(crisis),
            "audiences": list_audiences(),
            "channels": available_channels(), "crisis": crisis, "size": sms_size(form.get("sms_text", ""))}


def _template_form(key: str | None) -> dict:
    crisis = crisis_services.current_crisis()
    template = {t.key: t for t in _offered_templates(crisis)}.get(key or "") or TEMPLATES_BY_KEY.get(key or "")
    if template is None:
        return {"channels": ["sms", "email"], "question": "availability"}
    values = {"cpts": current_app.config["CPTS_NAME"], "titre": template.title,
              "gradation": str(crisis.gradation if crisis else template.gradation or "")}
    return {"template": template.key, "title": template.title, "sms_text": render(template.sms, values),
            "email_text": render(template.email, values), "question": template.question,
            "channels": ["sms", "email"], "crisis_id": str(crisis.id) if crisis else ""}


def _form_data() -> dict:
    form = request.form
    data = {k: form.get(k, "") for k in ("title", "sms_text", "email_text", "question")}
    data["channels"] = form.getlist("channels")
    data["is_exercise"] = form.get("is_exercise") == "on"
    data["allow_comment"] = True
    for key in ("audience_id", "crisis_id", "escalation_minutes", "escalation_max"):
        value = form.get(key, "").strip()
        if value:
            data[key] = int(value) if value.isdigit() else value
    return data


@bp.route("/nouvelle", methods=["GET", "POST"])
@permission_required("alerts.send")
def compose():
    if request.method == "GET":
        return render_template("alerts/compose.html", **_compose_context(_template_form(request.args.get("modele"))))
    data = _form_data()
    if request.form.get("action") == "preview":
        return render_template("alerts/compose.html", **_compose_context({**request.form.to_dict(), **data}))
    try:
        alert = services.send_alert(actor=current_user._get_current_object(), data=data)
    except ServiceError as exc:
        flash(exc.message, "error")
        return render_template("alerts/compose.html",
                               **_compose_context({**request.form.to_dict(), **data}, exc.fields)), 400
    flash(f"Alerte envoyée à {len(alert.recipients)} personne(s).", "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


DETAIL_ROWS = 200


def _deliveries(alert: Alert, *, state: str | None, silent: bool, limit: int | None = None) -> list[Delivery]:
    query = (sa.select(Delivery).outerjoin(AlertRecipient, Delivery.recipient_id == AlertRecipient.id)
             .where(Delivery.alert_id == alert.id).order_by(AlertRecipient.name, Delivery.id))
    if state:
        query = query.where(Delivery.state == state)
    if silent:
        query = query.where(AlertRecipient.answered_at.is_(None), Delivery.recipient_id.isnot(None))
    return list(db.session.scalars(query.limit(limit)))


@bp.route("/<int:alert_id>")
@permission_required("alerts.read")
def detail(alert_id: int):
    alert = get_for_user(Alert, alert_id, "alerts.read")
    state = request.args.get("etat") or None
    silent = request.args.get("sans_reponse") == "1"
    deliveries = _deliveries(alert, state=state if state in STATE_VALUES else None, silent=silent,
                             limit=DETAIL_ROWS + 1)
    return render_template("alerts/detail.html", alert=alert, counts=services.counts(alert),
                           deliveries=deliveries[:DETAIL_ROWS], more=len(deliveries) > DETAIL_ROWS,
                           state_labels=STATE_LABELS, state=state, silent=silent, live=alert.status == "active")


@bp.route("/<int:alert_id>/export.csv")
@permission_required("alerts.read")
def export(alert_id: int):
    alert = get_for_user(Alert, alert_id, "alerts.read")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Personne", "Canal", "Adresse", "Objet", "État", "Envoyé le", "Erreur", "Réponse", "Commentaire",
                     "Répondu le"])
    for d in _deliveries(alert, state=None, silent=False):
        r = d.recipient
        writer.writerow([r.name if r else d.address, d.channel, d.address, d.purpose.value, STATE_LABELS[d.state],
                         d.sent_at.isoformat() if d.sent_at else "", d.last_error or "",
                         alert.option_label(r.answer_code) if r else "", (r.answer_comment if r else "") or "",
                         r.answered_at.isoformat() if r and r.answered_at else ""])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=alerte-{alert.id}.csv"})


@bp.route("/<int:alert_id>/annuler", methods=["POST"])
@permission_required("alerts.send")
def cancel(alert_id: int):
    alert = get_for_user(Alert, alert_id, "alerts.send")
    try:
        held = services.cancel_alert(actor=current_user._get_current_object(), alert=alert)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Alerte annulée : {held} message(s) retenu(s).", "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


@bp.route("/<int:alert_id>/fin", methods=["POST"])
@permission_required("alerts.send")
def end(alert_id: int):
    alert = get_for_user(Alert, alert_id, "alerts.send")
    try:
        sent = services.end_alert(actor=current_user._get_current_object(), alert=alert,
                                  text=request.form.get("text", ""))
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Message de fin d'alerte envoyé ({sent}).", "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


@bp.route("/boite-d-envoi")
@permission_required("alerts.outbox")
def outbox():
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)).all()
    return render_template("alerts/outbox.html", messages=messages)


@answer_bp.route("/r/<token>", methods=["GET", "POST"])
@public
def answer(token: str):
    try:
        recipient = links.recipient_for_token(token)
    except links.LinkError as exc:
        return render_template("alerts/answer_error.html", message=exc.message), exc.status
    if request.method == "POST":
        try:
            services.record_answer(recipient=recipient, code=request.form.get("code", ""),
                                   comment=request.form.get("comment"), via="lien")
        except ServiceError as exc:
            flash(exc.message, "error")
            return render_template("alerts/answer.html", recipient=recipient, alert=recipient.alert), 400
        return render_template("alerts/answer.html", recipient=recipient, alert=recipient.alert, thanks=True)
    return render_template("alerts/answer.html", recipient=recipient, alert=recipient.alert)
