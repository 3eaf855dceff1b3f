"""Directory pages of partner organisations and their contacts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.db import abandon, db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.organisations import forms
from crisis_app.directory.organisations import services as organisations
from crisis_app.directory.organisations.models import Organisation
from crisis_app.directory.views import actor, bp, refuse


@bp.route("/organisations")
@permission_required("directory.read")
def organisation_list():
    return render_template("directory/organisation_list.html",
                           items=organisations.list_organisations(include_inactive=True))


@bp.route("/organisations/nouvelle", methods=["GET", "POST"])
@permission_required("organisation.manage")
def organisation_new():
    return _organisation_form(None)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@permission_required("directory.read")
def organisation_detail(organisation_id: int):
    organisation = get_for_user(Organisation, organisation_id, "directory.read")
    if request.method == "POST" or request.args.get("modifier"):
        require("organisation.manage")
        return _organisation_form(organisation)
    return _detail(organisation)


def _detail(organisation: Organisation, status: int = 200):
    manage = current_user.may("organisation.manage")
    return render_template("directory/organisation_detail.html", organisation=organisation,
                           attached=organisations.attached_accounts(organisation) if manage else [],
                           attachable=organisations.attachable_accounts(organisation) if manage else []), status


@bp.route("/organisations/<int:organisation_id>/comptes", methods=["POST"])
@permission_required("organisation.manage")
def organisation_accounts(organisation_id: int):
    """Attach (``attacher``) or detach (``detacher``) a partner account: it then reads in « Mes messages » what
    was sent to the organisation."""
    organisation = get_for_user(Organisation, organisation_id, "organisation.manage")
    user = db.session.get(User, request.form.get("user_id", type=int) or 0)
    if user is None:
        flash("Choisissez un compte.", "error")
        return _detail(organisation, 400)
    try:
        if request.form.get("action") == "detacher":
            organisations.detach_account(actor=actor(), organisation=organisation, user=user)
            flash(f"Compte de {user.full_name} détaché de {organisation.name}.", "success")
        else:
            organisations.attach_account(actor=actor(), organisation=organisation, user=user)
            flash(f"Compte de {user.full_name} rattaché à {organisation.name} : il lit dans « Mes messages » "
                  "ce qui est envoyé à l'organisation.", "success")
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return _detail(organisation, exc.status if exc.status != 422 else 400)
    return redirect(url_for("directory.organisation_detail", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/activation", methods=["POST"])
@permission_required("organisation.manage")
def organisation_activation(organisation_id: int):
    organisation = get_for_user(Organisation, organisation_id, "organisation.manage")
    active = request.form.get("active") == "1"
    organisations.set_organisation_active(actor=actor(), organisation=organisation, active=active)
    flash("Organisation réactivée." if active else "Organisation désactivée.", "success")
    return redirect(url_for("directory.organisation_detail", organisation_id=organisation.id))


def _organisation_form(organisation: Organisation | None):
    form = forms.OrganisationForm.for_organisation(organisation)
    status = 200
    if form.validate_on_submit():
        try:
            if organisation is None:
                organisation = organisations.create_organisation(actor=actor(), data=form.payload())
            else:
                organisations.update_organisation(actor=actor(), organisation=organisation, data=form.payload())
        except ServiceError as exc:
            abandon()
            status = refuse(form, exc)
        else:
            flash(f"Organisation « {organisation.name} » enregistrée.", "success")
            return redirect(url_for("directory.organisation_detail", organisation_id=organisation.id))
    return render_template("directory/organisation_form.html", form=form, organisation=organisation), \
        400 if form.errors and status == 200 else status
