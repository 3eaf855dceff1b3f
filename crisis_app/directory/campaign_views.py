"""Pages of the freshness campaign: the coordinator starts it; each person confirms from their link (no login)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.alerts.links import LinkError
from crisis_app.core.access import permission_required, public
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.directory import campaign

bp = Blueprint("directory_campaign", __name__)


@bp.route("/annuaire/campagne-confirmation", methods=["POST"])
@permission_required("directory.manage")
def start():
    try:
        alert = campaign.start(actor=current_user._get_current_object())
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("directory.index"))
    flash(f"Demande de confirmation envoyée à {len(alert.recipients)} personne(s).", "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


@bp.route("/confirmer/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    try:
        _recipient, professional = campaign.recipient_for_link(token)
    except LinkError as exc:
        return render_template("alerts/answer_error.html", message=exc.message), exc.status
    errors: dict = {}
    if request.method == "POST":
        data = {k: request.form.get(k, "") for k in campaign.SELF_EDITABLE} \
            if request.form.get("action") == "correct" else None
        try:
            campaign.confirm(professional=professional, data=data)
        except ServiceError as exc:
            db.session.rollback()
            errors = exc.fields
        else:
            return render_template("directory/confirm_link.html", professional=professional, thanks=True)
    return render_template("directory/confirm_link.html", professional=professional, errors=errors), \
        400 if errors else 200
