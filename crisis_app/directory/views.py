"""Directory pages: search with reach, an entry's page and forms, "Ma fiche", audiences, organisations."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from wtforms.fields import SelectChoice

from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.db import utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.pagination import page_number
from crisis_app.directory import audiences, forms, organisations, query, services
from crisis_app.directory.models import (
    CHANNEL_LABELS,
    CRISIS_ROLE_LABELS,
    MEMBERSHIP_LABELS,
    ORGANISATION_LABELS,
    STRUCTURE_LABELS,
    Audience,
    Organisation,
    Professional,
)
from crisis_app.directory.schemas import DirectoryQuerySchema
from crisis_app.directory.validation import format_phone_for_display, freshness

bp = Blueprint("directory", __name__, url_prefix="/annuaire")

PAGE_SIZE = 50
LOCAL_TZ = ZoneInfo("Europe/Paris")
LIST_ARGS = ("profession_code", "commune_code", "tag", "crisis_role", "structure_type")


def _actor():
    return current_user._get_current_object()


@bp.context_processor
def _labels():
    return {"crisis_role_labels": CRISIS_ROLE_LABELS, "structure_labels": STRUCTURE_LABELS,
            "membership_labels": MEMBERSHIP_LABELS, "organisation_labels": ORGANISATION_LABELS,
            "crisis_roles": [(k.value, v) for k, v in CRISIS_ROLE_LABELS.items() if k.value != "none"],
            "structures": [(k.value, v) for k, v in STRUCTURE_LABELS.items()],
            "channels": [(k.value, v) for k, v in CHANNEL_LABELS.items()],
            "consent_methods": forms.CONSENT_METHODS, "now": utcnow()}


bp.add_app_template_filter(freshness, "freshness")
bp.add_app_template_filter(format_phone_for_display, "phone")


@bp.app_template_filter("local_day")
def _local_day_filter(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y") if moment else ""


@bp.app_template_filter("local_datetime")
def _local_datetime_filter(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if moment else ""


def _criteria(source) -> tuple[dict, dict]:
    """Search criteria from a query string or a form (the list filters repeat), with any field errors."""
    raw = {k: [v for v in source.getlist(k) if v] for k in LIST_ARGS}
    raw.update({k: source.get(k) for k in ("q", "membership", "consent", "to_confirm", "include_inactive")
                if source.get(k)})
    try:
        return DirectoryQuerySchema().load(raw), {}
    except ValidationError as exc:
        return {}, exc.messages


def _refuse(form, exc: ServiceError) -> int:
    """Put a service's field messages under the form's fields and in a summary naming them; the status to send."""
    summary = []
    for name, messages in exc.fields.items():
        field = form.field_for(name) if hasattr(form, "field_for") else (form[name] if name in form else None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
        label = field.label.text if field is not None else name
        summary.extend(f"{label} : {m}" for m in messages)
    flash(exc.message + (" " + " ".join(summary) if summary else ""), "error")
    return 409 if exc.status == 409 else 400


# -- professionals -------------------------------------------------------------------------------------------------

@bp.route("/")
@permission_required("directory.read")
def index():
    criteria, errors = _criteria(request.args)
    page = page_number(request.args)
    items, total = query.search(criteria, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("directory/index.html", items=items, total=total, page=page, criteria=criteria,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), errors=errors,
                           reach=query.reach_of(query.filter_statement(criteria)), facets=query.facets(),
                           audience_form=forms.AudienceForm()), 400 if errors else 200


@bp.route("/nouveau", methods=["GET", "POST"])
@permission_required("directory.manage")
def new():
    form = forms.NewProfessionalForm()
    status = 200
    if form.validate_on_submit():
        try:
            professional = services.create_professional(actor=_actor(), data=form.payload(),
                                                        consents=form.consents(),
                                                        consent_method=form.consent_method.data)
        except ServiceError as exc:
            status = _refuse(form, exc)
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
    form = forms.ProfessionalForm(obj=professional, tags=", ".join(professional.skill_list),
                                  crisis_role=professional.crisis_role.value,
                                  membership=professional.membership.value,
                                  structure_type=professional.structure_type.value if professional.structure_type
                                  else "")
    form.allow_current_profession(professional.profession_code, professional.profession)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_professional(actor=_actor(), professional=professional, data=form.payload())
        except ServiceError as exc:
            status = _refuse(form, exc)
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
    services.set_active(actor=_actor(), professional=professional, active=active)
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
        services.set_consent(actor=_actor(), professional=professional, channel=form.channel.data,
                             granted=form.granted.data == "1", method=form.method.data or "")
    except ServiceError as exc:
        return _render_detail(professional, form, _refuse(form, exc))
    flash("Consentement enregistré." if form.granted.data == "1"
          else "Retrait du consentement enregistré : il prend effet immédiatement.", "success")
    return redirect(url_for("directory.detail", professional_id=professional.id))


@bp.route("/<int:professional_id>/confirmer", methods=["POST"])
@permission_required("directory.manage")
def confirm(professional_id: int):
    professional = get_for_user(Professional, professional_id, "directory.manage")
    services.confirm_details(actor=_actor(), professional=professional)
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
        services.link_user(actor=_actor(), professional=professional, user=user)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Compte {user.email} lié à cette fiche." if user else "Aucun compte n'est plus lié à cette fiche.",
              "success")
    return redirect(url_for("directory.detail", professional_id=professional.id))


@bp.route("/ma-fiche", methods=["GET", "POST"])
@permission_required("directory.self")
def my_entry():
    professional = services.professional_for_user(_actor())
    if professional is None:
        return render_template("directory/my_entry.html", p=None, form=None)
    form = forms.SelfServiceForm(obj=professional, unavailable_until=_local_day(professional.unavailable_until),
                                 consent_sms=_granted(professional, "sms"),
                                 consent_email=_granted(professional, "email"))
    status = 200
    if form.validate_on_submit():
        try:
            services.update_own_details(
                user=_actor(), data={"mobile_phone": form.mobile_phone.data or "", "email": form.email.data or ""},
                unavailable_until=_end_of_local_day(form.unavailable_until.data),
                availability_note=form.availability_note.data,
                consents={"sms": form.consent_sms.data, "email": form.consent_email.data})
        except ServiceError as exc:
            status = _refuse(form, exc)
        else:
            flash("Merci : votre fiche est à jour et confirmée.", "success")
            return redirect(url_for("directory.my_entry"))
    return render_template("directory/my_entry.html", p=professional, form=form), \
        400 if form.errors and status == 200 else status


def _granted(professional: Professional, channel: str) -> bool:
    consent = professional.consent_for(channel)
    return bool(consent and consent.granted)


def _local_day(moment: datetime | None):
    return moment.astimezone(LOCAL_TZ).date() if moment else None


def _end_of_local_day(day) -> datetime | None:
    return datetime.combine(day, time(23, 59), LOCAL_TZ).astimezone(UTC) if day else None


# -- audiences -----------------------------------------------------------------------------------------------------

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
    criteria, errors = _criteria(request.form)
    try:
        ids = sorted({*request.form.getlist("professional_id", type=int),
                      *audiences.ids_for_numbers(form.numbers.data)})
        audience = audiences.save_audience(actor=_actor(), data={
            "name": form.name.data or "", "description": form.description.data or None, "kind": form.kind.data,
            "criteria": criteria, "professional_ids": ids, "for_exercises": form.for_exercises.data})
    except ServiceError as exc:
        return render_template("directory/audience_new.html", form=form), _refuse(form, exc)
    flash(f"Audience « {audience.name} » enregistrée.", "success")
    return redirect(url_for("directory.audience_detail", audience_id=audience.id))


@bp.route("/audiences/<int:audience_id>")
@permission_required("directory.read")
def audience_detail(audience_id: int):
    audience = get_for_user(Audience, audience_id, "directory.read")
    return render_template("directory/audience_detail.html", audience=audience, members=audiences.resolve(audience),
                           reach=audiences.reach(audience))


@bp.route("/audiences/<int:audience_id>/supprimer", methods=["POST"])
@permission_required("audience.manage")
def audience_delete(audience_id: int):
    audience = get_for_user(Audience, audience_id, "audience.manage")
    audiences.delete_audience(actor=_actor(), audience=audience)
    flash(f"Audience « {audience.name} » supprimée.", "success")
    return redirect(url_for("directory.audience_list"))


# -- partner organisations -----------------------------------------------------------------------------------------

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
    organisations.set_organisation_active(actor=_actor(), organisation=organisation, active=active)
    flash("Organisation réactivée." if active else "Organisation désactivée.", "success")
    return redirect(url_for("directory.organisation_detail", organisation_id=organisation.id))


def _organisation_form(organisation: Organisation | None):
    form = forms.OrganisationForm.for_organisation(organisation)
    status = 200
    if form.validate_on_submit():
        try:
            if organisation is None:
                organisation = organisations.create_organisation(actor=_actor(), data=form.payload())
            else:
                organisations.update_organisation(actor=_actor(), organisation=organisation, data=form.payload())
        except ServiceError as exc:
            status = _refuse(form, exc)
        else:
            flash(f"Organisation « {organisation.name} » enregistrée.", "success")
            return redirect(url_for("directory.organisation_detail", organisation_id=organisation.id))
    return render_template("directory/organisation_form.html", form=form, organisation=organisation), \
        400 if form.errors and status == 200 else status

