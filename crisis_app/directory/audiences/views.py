"""Directory pages of audiences: the list with reach, a new audience from a search or pasted numbers."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.directory.audiences import forms
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.views import actor, bp, refuse, search_criteria


@bp.route("/audiences")
@permission_required("directory.read")
def audience_list():
    items = audiences.list_audiences()
    return render_template("directory/audience_list.html", items=[(a, audiences.reach(a)) for a in items])


@bp.route("/audiences/nouvelle", methods=["GET", "POST"])
@permission_required("audience.manage")
def audience_new():
    form = forms.AudienceForm()
    if not form.validate_on_submit():
        return render_template("directory/audience_new.html", form=form), 400 if request.method == "POST" else 200
    criteria, errors = search_criteria(request.form)
    try:
        ids = sorted({*request.form.getlist("professional_id", type=int),
                      *audiences.ids_for_numbers(form.numbers.data)})
        audience = audiences.save_audience(actor=actor(), data={
            "name": form.name.data or "", "description": form.description.data or None, "kind": form.kind.data,
            "criteria": criteria, "professional_ids": ids, "for_exercises": form.for_exercises.data})
    except ServiceError as exc:
        abandon()
        status = refuse(form, exc)
        if request.form.get("origin") == "search":
            return _back_to_search(form, criteria, status)
        return render_template("directory/audience_new.html", form=form), status
    flash(f"Audience « {audience.name} » enregistrée.", "success")
    return redirect(url_for("directory.audience_detail", audience_id=audience.id))


def _back_to_search(form, criteria: dict, status: int):
    """Refused from the search page: show that page again, the message beside the form that was used."""
    from crisis_app.directory.professionals.views import render_search

    messages = [m for name in ("name", "numbers") for m in form[name].errors]
    messages += [m for m in form.errors.get("professional_ids", [])]
    error = {"kind": form.kind.data, "name": form.name.data or "", "for_exercises": bool(form.for_exercises.data),
             "messages": messages}
    checked = frozenset(request.form.getlist("professional_id", type=int))
    return render_search(criteria, page=request.form.get("page", type=int), status=status, audience_error=error,
                         checked=checked)


@bp.route("/audiences/<int:audience_id>")
@permission_required("directory.read")
def audience_detail(audience_id: int):
    audience = get_for_user(Audience, audience_id, "directory.read")
    return render_template("directory/audience_detail.html", audience=audience, members=audiences.resolve(audience),
                           reach=audiences.reach(audience))


@bp.route("/audiences/<int:audience_id>/supprimer", methods=["POST"])
@permission_required("audience.manage")
def audience_delete(audience_id: int):
    """A deleted audience can no longer be alerted: a last look (who is in it) before it goes."""
    audience = get_for_user(Audience, audience_id, "audience.manage")
    if request.form.get("confirm") != "1":
        return render_template("directory/audience_delete.html", audience=audience,
                               reach=audiences.reach(audience))
    audiences.delete_audience(actor=actor(), audience=audience)
    flash(f"Audience « {audience.name} » supprimée.", "success")
    return redirect(url_for("directory.audience_list"))
