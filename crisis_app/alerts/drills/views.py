"""Pages of drills: the list, a new drill (scheduled or unannounced), a drill's figures beside the previous one's,
launch and cancel, and its report in PDF."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.alerts.drills import documents as drill_documents
from crisis_app.alerts.drills import services
from crisis_app.alerts.drills.models import Drill, DrillKind, DrillStatus
from crisis_app.core import documents
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.registry import available_channels
from crisis_app.directory.audiences.services import list_audiences, reach

bp = Blueprint("drills", __name__, url_prefix="/alertes/exercices")


def _actor():
    return current_user._get_current_object()


@bp.route("/")
@permission_required("drills.read")
def index():
    return render_template("alerts/drills/index.html", drills=services.list_drills())


def _form_data() -> dict:
    form = request.form
    data = {k: form.get(k, "").strip() for k in ("title", "kind", "question")}
    data["channels"] = form.getlist("channels")
    audience = form.get("audience_id", "").strip()
    data["audience_id"] = int(audience) if audience.isascii() and audience.isdigit() and len(audience) < 10 \
        else audience
    if data["kind"] == DrillKind.SCHEDULED and form.get("scheduled_for", "").strip():
        data["scheduled_for"] = form["scheduled_for"].strip()
    return data


def _new_page(form: dict, errors: dict | None = None, status: int = 200):
    audiences = [{"audience": a, "reach": reach(a)} for a in list_audiences()]
    return render_template("alerts/drills/new.html", form=form, errors=errors or {}, audiences=audiences,
                           channels=available_channels(), default_sms=services.DEFAULT_SMS), status


@bp.route("/nouveau", methods=["GET", "POST"])
@permission_required("drills.manage")
def new():
    """Plan a drill, or launch an unannounced one now."""
    if request.method == "GET":
        return _new_page({"kind": DrillKind.UNANNOUNCED.value, "question": "ack", "channels": ["sms", "email"]})
    data = _form_data()
    try:
        drill = services.create_drill(actor=_actor(), data=data)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return _new_page({**request.form.to_dict(), "channels": data["channels"]}, exc.fields, 400)
    flash("Exercice lancé : les messages partent." if drill.status is DrillStatus.LAUNCHED
          else "Exercice programmé.", "success")
    return redirect(url_for("drills.detail", drill_id=drill.id))


@bp.route("/<int:drill_id>")
@permission_required("drills.read")
def detail(drill_id: int):
    drill = get_for_user(Drill, drill_id, "drills.read")
    return render_template("alerts/drills/detail.html", **drill_documents.report_context(drill))


@bp.route("/<int:drill_id>/lancer", methods=["POST"])
@permission_required("drills.manage")
def launch(drill_id: int):
    """Launch a scheduled drill now (the beat will then find it launched)."""
    drill = get_for_user(Drill, drill_id, "drills.manage")
    try:
        services.launch(drill=drill, actor=_actor())
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
    else:
        flash("Exercice lancé : les messages partent.", "success")
    return redirect(url_for("drills.detail", drill_id=drill_id))


@bp.route("/<int:drill_id>/annuler", methods=["POST"])
@permission_required("drills.manage")
def cancel(drill_id: int):
    drill = get_for_user(Drill, drill_id, "drills.manage")
    try:
        services.cancel(drill=drill, actor=_actor())
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
    else:
        flash("Exercice annulé.", "success")
    return redirect(url_for("drills.detail", drill_id=drill_id))


@bp.route("/<int:drill_id>/compte-rendu.pdf")
@permission_required("drills.read")
def report(drill_id: int):
    """The kept PDF, or the wait page while a worker makes it (core.documents)."""
    drill = get_for_user(Drill, drill_id, "drills.read")
    if drill.launched_at is None:
        flash("Le compte rendu existe une fois l'exercice lancé.", "error")
        return redirect(url_for("drills.detail", drill_id=drill_id))
    return documents.respond(drill_documents.request_report(drill, actor=_actor()))
