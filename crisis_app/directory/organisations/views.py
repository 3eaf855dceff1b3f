"""Directory pages of partner organisations and their contacts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
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
    return render_template("directory/organisation_detail.html", organisation=organisation)


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
