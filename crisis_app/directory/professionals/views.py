"""Directory pages of professionals: search with reach, an entry's page and forms, and "Ma fiche"."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms.fields import SelectChoice

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.api import html_error
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import abandon, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.pagination import MAX_PAGE
from crisis_app.core.timez import to_paris
from crisis_app.directory.professionals import contact_changes, exports, forms, query, services
from crisis_app.directory.professionals.models import ContactField, Professional
from crisis_app.directory.views import LOCAL_TZ, actor, bp, refuse, search_criteria

PAGE_SIZE = 50


@bp.route("/")
@permission_required("directory.read")
def index():
    criteria, errors = search_criteria(request.args)
    return render_search(criteria, errors=errors, page=request.args.get("page", 1, type=int),
                         status=400 if errors else 200)


def render_search(criteria: dict, *, errors: dict | None = None, page: int | None = 1, status: int = 200,
                  audience_error: dict | None = None, checked: frozenset[int] = frozenset()):
    """The search page; an audience refused from it comes back here with its message beside its form."""
    page = min(max(page or 1, 1), MAX_PAGE)  # ?page=10**30 would be an OFFSET the database refuses
    items, total = query.search(criteria, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("directory/index.html", items=items, total=total, page=page, criteria=criteria,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), errors=errors or {},
                           reach=query.reach_of(query.filter_statement(criteria)), facets=query.facets(),
                           audience_error=audience_error, checked=checked), status


@bp.route("/liste-mobilisation.csv")
@permission_required("directory.export_list")
def mobilisation_list():
    """The people of a filter to phone, mobiles only where SMS consent is in force, capped
    (professionals/exports.py)."""
    criteria, errors = search_criteria(request.args)
    if errors:
        return html_error(400, message="Filtre invalide : " + " ; ".join(f"{k} : {' '.join(map(str, v))}"
                                                                           for k, v in errors.items()))
    try:
        rows = exports.mobilisation_list(actor=actor(), criteria=criteria)
    except ServiceError as exc:
        abandon()
        return html_error(exc.status, message=exc.message)
    return csv_response(f"liste-mobilisation-{utcnow():%Y-%m-%d}.csv", exports.MOBILISATION_HEADER, rows)


@bp.route("/nouveau", methods=["GET", "POST"])
@permission_required("directory.manage")
def new():
    form = forms.NewProfessionalForm()
    status = 200
    if form.validate_on_submit():
        try:
            professional = services.create_professional(actor=actor(), data=form.payload(),
                                                        consents=form.consents(),
                                                        consent_method=form.consent_method.data)
        except ServiceError as exc:
            abandon()
            status = refuse(form, exc)
        else:
            flash(f"Fiche créée : {professional.display_name}.", "success")
            return redirect(url_for("directory.detail", professional_id=professional.id))
    return render_template("directory/form.html", form=form, professional=None), \
        400 if form.errors and status == 200 else status


@bp.route("/<int:professional_id>")
@permission_required("directory.read")
def detail(professional_id: int):
    return _render_detail(get_for_user(Professional, professional_id, "directory.read"))


def _render_detail(professional: Professional, consent_form=None, status: int = 200):
    link_form = forms.LinkUserForm(user_id=str(professional.user_id or ""))
    link_form.user_id.choices = [SelectChoice("", "— aucun —")] + [
        SelectChoice(str(u.id), f"{u.full_name} ({u.email})") for u in services.linkable_users()]
    linked = services.get_user(professional.user_id) if professional.user_id else None
    return render_template("directory/detail.html", p=professional, history=services.history(professional),
                           consent_form=consent_form or forms.ConsentForm(), link_form=link_form,
                           linked_user=linked), status


@bp.route("/<int:professional_id>/modifier", methods=["GET", "POST"])
@permission_required("directory.manage")
def edit(professional_id: int):
    professional = get_for_user(Professional, professional_id, "directory.manage")
    form = forms.ProfessionalForm.for_professional(professional)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_professional(actor=actor(), professional=professional, data=form.payload())
        except ServiceError as exc:
            abandon()
            status = refuse(form, exc)
        else:
            flash("Fiche enregistrée.", "success")
            return redirect(url_for("directory.detail", professional_id=professional.id))
    return render_template("directory/form.html", form=form, professional=professional), \
        400 if form.errors and status == 200 else status


@bp.route("/<int:professional_id>/activation", methods=["POST"])
@permission_required("directory.manage")
def activation(professional_id: int):
    professional = get_for_user(Professional, professional_id, "directory.manage")
    active = request.form.get("active") == "1"
    services.set_active(actor=actor(), professional=professional, active=active)
    flash("Fiche réactivée." if active else "Fiche désactivée : elle ne reçoit plus aucune alerte.", "success")
    return redirect(url_for("directory.detail", professional_id=professional.id))


@bp.route("/<int:professional_id>/consentement", methods=["POST"])
@permission_required("directory.manage")
def consent(professional_id: int):
    professional = get_for_user(Professional, professional_id, "directory.manage")
    form = forms.ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_consent(actor=actor(), professional=professional, channel=form.channel.data,
                             granted=form.granted.data == "1", method=form.method.data or "")
    except ServiceError as exc:
        abandon()
        return _render_detail(professional, form, refuse(form, exc))
    flash("Consentement enregistré." if form.granted.data == "1"
          else "Retrait du consentement enregistré : il prend effet immédiatement.", "success")
    return redirect(url_for("directory.detail", professional_id=professional.id))


@bp.route("/<int:professional_id>/confirmer", methods=["POST"])
@permission_required("directory.manage")
def confirm(professional_id: int):
    professional = get_for_user(Professional, professional_id, "directory.manage")
    services.confirm_details(actor=actor(), professional=professional)
    flash("Coordonnées confirmées aujourd'hui.", "success")
    return redirect(url_for("directory.detail", professional_id=professional.id))


@bp.route("/<int:professional_id>/compte", methods=["POST"])
@permission_required("directory.manage")
def link(professional_id: int):
    professional = get_for_user(Professional, professional_id, "directory.manage")
    user_id = request.form.get("user_id", type=int)
    user = services.get_user(user_id) if user_id else None
    if user_id and user is None:
        abort(400)
    try:
        services.link_user(actor=actor(), professional=professional, user=user)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
    else:
        flash(f"Compte {user.email} lié à cette fiche." if user else "Aucun compte n'est plus lié à cette fiche.",
              "success")
    return redirect(url_for("directory.detail", professional_id=professional.id))


@bp.route("/ma-fiche", methods=["GET", "POST"])
@permission_required("directory.self")
def my_entry():
    professional = services.professional_for_user(actor())
    if professional is None:
        return render_template("directory/my_entry.html", p=None, form=None)
    form = _self_service_form(professional)
    status = 200
    if form.validate_on_submit():
        try:
            requested = services.update_own_details(
                user=actor(), data={"mobile_phone": form.mobile_phone.data or "", "email": form.email.data or ""},
                unavailable_until=_end_of_local_day(form.unavailable_until.data),
                availability_note=form.availability_note.data,
                consents={"sms": form.consent_sms.data, "email": form.consent_email.data})
        except ServiceError as exc:
            abandon()
            status = refuse(form, exc)
        else:
            flash("Merci : votre fiche est à jour et confirmée.", "success")
            for change in requested:
                flash(f"Un code vient d'être envoyé à {contact_changes.shown(change)} : saisissez-le ci-dessous pour "
                      f"enregistrer ce nouveau {change.field.label} (d'ici là, l'ancien reste utilisé).", "info")
            return redirect(url_for("directory.my_entry"))
    return _render_my_entry(professional, form), 400 if form.errors and status == 200 else status


def _render_my_entry(professional: Professional, form, code_forms: dict | None = None):
    pending = contact_changes.pending_for(professional)
    code_forms = code_forms or {}
    return render_template("directory/my_entry.html", p=professional, form=form, shown=contact_changes.shown,
                           pending=[(c, code_forms.get(c.field.value) or forms.ContactCodeForm(field=c.field.value))
                                    for c in pending])


@bp.route("/ma-fiche/code", methods=["POST"])
@permission_required("directory.self")
def my_entry_code():
    """The code sent to a new mobile or e-mail: typed right, the new value reaches the entry."""
    professional = services.professional_for_user(actor())
    if professional is None:
        return redirect(url_for("directory.my_entry"))
    code_form = forms.ContactCodeForm()
    if not code_form.validate_on_submit():
        form = _self_service_form(professional, shown=True)
        return _render_my_entry(professional, form, {code_form.field.data: code_form}), 400
    field = ContactField(code_form.field.data)
    if code_form.cancel.data:
        contact_changes.cancel_change(professional=professional, field=field)
        flash(f"Changement de {field.label} annulé : rien n'a changé.", "info")
        return redirect(url_for("directory.my_entry"))
    try:
        outcome = contact_changes.confirm_change(user=actor(), field=field, code=code_form.code.data)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return redirect(url_for("directory.my_entry"))
    flash(outcome.message, "success" if outcome.ok else "error")
    return redirect(url_for("directory.my_entry"))


def _granted(professional: Professional, channel: str) -> bool:
    consent = professional.consent_for(channel)
    return bool(consent and consent.granted)


def _self_service_form(professional: Professional, *, shown: bool = False):
    """The professional's own form; the unavailability shows as its Paris day (WTForms takes a field's value from
    ``obj`` before keyword arguments: the stored UTC moment would show the day before after midnight Paris)."""
    form = forms.SelfServiceForm(obj=professional, consent_sms=_granted(professional, "sms"),
                                 consent_email=_granted(professional, "email"))
    if shown or not form.is_submitted():
        form.unavailable_until.data = _local_day(professional.unavailable_until)
    return form


def _local_day(moment: datetime | None):
    """The Paris day of a stored moment (a naive value is UTC, as every stored timestamp is: ``astimezone`` on it
    would take the server's zone and give the day before, between midnight Paris and midnight UTC)."""
    return to_paris(moment).date() if moment else None


def _end_of_local_day(day) -> datetime | None:
    return datetime.combine(day, time(23, 59), LOCAL_TZ).astimezone(UTC) if day else None
