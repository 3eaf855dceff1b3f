"""Pages of the freshness campaign: the coordinator checks then starts it; each person confirms from their link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.core.access import permission_required, public
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.core.links import LinkError
from crisis_app.directory.campaign import services as campaign
from crisis_app.directory.professionals import contact_changes
from crisis_app.directory.professionals.models import ContactField

bp = Blueprint("directory_campaign", __name__)


@bp.route("/annuaire/campagne-confirmation", methods=["GET", "POST"])
@permission_required("directory.manage")
def start():
    """A last look (how many messages, on which channel, the exact SMS), then the confirmed send."""
    if request.method == "GET" or request.form.get("action") != "send":
        return render_template("directory/campaign_confirm.html", preview=campaign.preview())
    try:
        message = campaign.start(actor=current_user._get_current_object())
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return redirect(url_for("directory.index"))
    flash(f"Demande de confirmation envoyée à {message.recipient_count} personne(s).", "success")
    return redirect(url_for("outbox.message", message_id=message.id))


@bp.route("/confirmer/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    try:
        _recipient, professional = campaign.recipient_for_link(token)
    except LinkError as exc:
        return render_template("alerts/answer_error.html", message=exc.message), exc.status
    errors: dict = {}
    notice, thanks = None, False
    action = request.form.get("action") if request.method == "POST" else None
    if action in ("code", "cancel") and request.form.get("field") in {f.value for f in ContactField}:
        field = ContactField(request.form["field"])
        if action == "cancel":
            contact_changes.cancel_change(professional=professional, field=field)
            notice = (f"Changement de {field.label} annulé : rien n'a changé.", "info")
        else:
            try:
                outcome = contact_changes.confirm_for(professional=professional, actor=None, field=field,
                                                      code=request.form.get("code", "")[:20])
            except ServiceError as exc:
                abandon()
                notice = (exc.message, "error")
            else:
                notice = (outcome.message, "success" if outcome.ok else "error")
    elif action in ("confirm", "correct"):
        data = {k: request.form.get(k, "") for k in campaign.SELF_EDITABLE} if action == "correct" else None
        try:
            requested = campaign.confirm(professional=professional, data=data)
        except ServiceError as exc:
            abandon()
            errors = exc.fields or {"_": [exc.message]}
        else:
            thanks = True
            if requested:
                notice = (" ".join(f"Un code vient d'être envoyé à {contact_changes.shown(c)} : saisissez-le "
                                   f"ci-dessous pour enregistrer ce nouveau {c.field.label}." for c in requested),
                          "info")
    return render_template("directory/confirm_link.html", professional=professional, errors=errors, thanks=thanks,
                           notice=notice, pending=contact_changes.pending_for(professional),
                           shown=contact_changes.shown), 400 if errors else 200
