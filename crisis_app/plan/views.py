"""Plan pages: the version with its four actions, one form per section, completeness, validation, publication,
differences between versions, the year's activities, a professional's part (the mission indicators page is
served by crises: crisis_app.crises.views_mission)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.core import documents as core_documents
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.db import abandon, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.labels import label_of, labels
from crisis_app.core.outcome import act_and_go_back, refusal_text
from crisis_app.core.timez import to_paris
from crisis_app.core.vocabulary import PLAN_GRADATIONS, QuestionKind, Typology
from crisis_app.plan import activities, comments, diff, dispatch, figures, forms, services
from crisis_app.plan import documents as plan_documents
from crisis_app.plan.models import ActivityKind, PlanActivity, PlanVersion
from crisis_app.plan.outline import (
    ACTIONS,
    CELLULE_ROLES,
    MEASURE_FIELDS,
    PILOTAGE_FIELDS,
    measure_label,
)
from crisis_app.plan.schemas import MAX_ID

bp = Blueprint("plan", __name__, url_prefix="/plan")


def _actor():
    return current_user._get_current_object()


def _this_year() -> int:
    return to_paris(utcnow()).year


def _plan(plan_id: int, permission: str) -> PlanVersion:
    if plan_id > MAX_ID:
        abort(404)
    return get_for_user(PlanVersion, plan_id, permission)


@bp.app_context_processor
def _outline_labels():
    return {"plan_actions": ACTIONS, "plan_typologies": labels(Typology),
            "plan_gradations": {g.value: g.described for g in PLAN_GRADATIONS}, "plan_measure_fields": MEASURE_FIELDS,
            "plan_questions": labels(QuestionKind), "plan_measure_label": measure_label}


def fix_url(plan: PlanVersion, missing: services.Missing) -> str:
    """Where a missing item is fixed."""
    if missing.section == "adaptation" and missing.typology:
        return url_for("plan.edit_measure", plan_id=plan.id, typology=missing.typology, gradation=missing.gradation)
    if missing.section == "adaptation":
        return url_for("plan.version", plan_id=plan.id, _anchor="adaptation")
    return url_for(f"plan.edit_{missing.section}", plan_id=plan.id, _anchor=missing.anchor or None)


def _version_page(plan: PlanVersion | None):
    if plan is None:
        return render_template("plan/index.html", plan=None, plans=[], this_year=_this_year())
    frozen = plan.frozen or {}
    missing = [] if plan.is_published else services.missing_items(plan)
    return render_template(
        "plan/index.html", plan=plan, plans=services.list_plans(), names=services.names(plan),
        missing=[(m, fix_url(plan, m)) for m in missing], this_year=_this_year(),
        not_applicable=services.not_applicable(plan), threads=comments.by_section(plan),
        deliveries=dispatch.deliveries(plan) if plan.is_published else [],
        directory=frozen.get("directory") or figures.directory_figures(),
        stock=frozen.get("stock") or figures.stock_figures(), activities=activities.for_year(plan.year),
        previous=_previous(plan), newer=any(p.year > plan.year for p in services.list_plans()))


def _previous(plan: PlanVersion) -> PlanVersion | None:
    older = [p for p in services.list_plans() if p.year < plan.year]
    return older[0] if older else None


@bp.route("/")
@permission_required("plan.read")
def index():
    return _version_page(services.current_plan())


@bp.route("/<int:plan_id>")
@permission_required("plan.read")
def version(plan_id: int):
    return _version_page(_plan(plan_id, "plan.read"))


@bp.route("/nouveau", methods=["POST"])
@permission_required("plan.edit")
def start():
    year = request.form.get("year", "")
    try:
        plan = services.create_draft(actor=_actor(), year=int(year) if year.isdigit() and len(year) == 4 else None)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return redirect(url_for("plan.index"))
    flash(f"Brouillon {plan.year} créé.", "success")
    return redirect(url_for("plan.version", plan_id=plan.id))


def _section_form(plan: PlanVersion, section: str, template: str, parse, **context):
    """GET shows the section; POST saves it through the service or shows it again with French messages."""
    data, errors, status = getattr(plan, section) or {}, {}, 200
    if request.method == "POST":
        data = parse(request.form)
        try:
            services.update_section(actor=_actor(), plan=plan, section=section, data=data)
        except ServiceError as exc:
            abandon()
            flash(exc.message, "error")
            errors, status = forms.field_errors(exc.fields), exc.status
        else:
            flash(f"Section « {ACTIONS[section]} » enregistrée.", "success")
            return redirect(url_for("plan.version", plan_id=plan.id, _anchor=section))
    return render_template(template, plan=plan, data=data, errors=errors, **context), status


def _editable(plan_id: int) -> PlanVersion:
    plan = _plan(plan_id, "plan.edit")
    if plan.is_published:
        flash("Cette version est publiée : elle ne change plus. Démarrez la version suivante.", "error")
        abort(redirect(url_for("plan.version", plan_id=plan.id)))
    return plan


@bp.route("/<int:plan_id>/anticipation", methods=["GET", "POST"])
@permission_required("plan.edit")
def edit_anticipation(plan_id: int):
    return _section_form(_editable(plan_id), "anticipation", "plan/edit_anticipation.html", forms.anticipation,
                         people=figures.professional_choices())


@bp.route("/<int:plan_id>/pilotage", methods=["GET", "POST"])
@permission_required("plan.edit")
def edit_pilotage(plan_id: int):
    return _section_form(_editable(plan_id), "pilotage", "plan/edit_pilotage.html", forms.pilotage,
                         people=figures.professional_choices(), roles=CELLULE_ROLES, fields=PILOTAGE_FIELDS)


@bp.route("/<int:plan_id>/retex", methods=["GET", "POST"])
@permission_required("plan.edit")
def edit_retex(plan_id: int):
    return _section_form(_editable(plan_id), "retex", "plan/edit_retex.html", forms.retex,
                         organisations=figures.organisation_names(include_inactive=False))


@bp.route("/<int:plan_id>/adaptation/<int:typology>/<int:gradation>", methods=["GET", "POST"])
@permission_required("plan.edit")
def edit_measure(plan_id: int, typology: int, gradation: int):
    plan = _editable(plan_id)
    if typology not in set(Typology) or gradation not in set(PLAN_GRADATIONS):
        abort(404)
    data, errors, status = services.typology_section(plan, typology, gradation), {}, 200
    if request.method == "POST":
        data = forms.measure(request.form)
        try:
            services.update_measure(actor=_actor(), plan=plan, typology=typology, gradation=gradation, data=data)
        except ServiceError as exc:
            abandon()
            flash(exc.message, "error")
            errors, status = forms.field_errors(exc.fields), exc.status
        else:
            flash(f"{measure_label(typology, gradation)} : enregistré.", "success")
            return redirect(url_for("plan.version", plan_id=plan.id, _anchor=f"t{typology}"))
    criteria = data.get("directory_filter") or {}
    return render_template("plan/edit_measure.html", plan=plan, data=data, errors=errors, typology=typology,
                           gradation=gradation, facets=figures.facets(),
                           not_applicable_reason=services.not_applicable(plan).get(typology, ""),
                           reach=figures.reach_of_filter(criteria) if any(criteria.values()) else None), status


@bp.post("/<int:plan_id>/adaptation/<int:typology>/sans-objet")
@permission_required("plan.edit")
def not_applicable(plan_id: int, typology: int):
    plan = _editable(plan_id)
    if typology not in set(Typology):
        abort(404)
    reason = request.form.get("reason", "")
    try:
        services.set_not_applicable(actor=_actor(), plan=plan, typology=typology, reason=reason)
    except ServiceError as exc:
        abandon()
        flash(refusal_text(exc), "error")
        return redirect(url_for("plan.edit_measure", plan_id=plan.id, typology=typology, gradation=1,
                                _anchor="sans-objet"))
    done = "déclarée sans objet sur notre territoire" if reason.strip() else "de nouveau à décrire"
    flash(f"{label_of(Typology, typology)} : {done}.", "success")
    return redirect(url_for("plan.version", plan_id=plan.id, _anchor=f"t{typology}"))


def _thread_arg() -> int | None:
    raw = request.form.get("thread_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 11 else None


@bp.post("/<int:plan_id>/commentaires")
@permission_required("plan.comment")
def comment(plan_id: int):
    plan, thread_id = _plan(plan_id, "plan.comment"), _thread_arg()
    section = request.form.get("section", "")
    return act_and_go_back(
        lambda: comments.add_comment(actor=_actor(), plan=plan, text=request.form.get("text", ""),
                                     section=section, thread_id=thread_id),
        "Réponse enregistrée." if thread_id else "Commentaire enregistré.",
        url_for("plan.version", plan_id=plan.id, _anchor=f"comments-{section}" if section else None))


@bp.post("/<int:plan_id>/commentaires/<int:thread_id>/resoudre")
@permission_required("plan.comment.resolve")
def resolve_comment(plan_id: int, thread_id: int):
    plan = _plan(plan_id, "plan.comment.resolve")
    return act_and_go_back(lambda: comments.resolve(actor=_actor(), plan=plan, thread_id=thread_id),
                           "Fil de commentaires résolu.", url_for("plan.version", plan_id=plan.id))


@bp.route("/<int:plan_id>/valider", methods=["POST"])
@permission_required("plan.validate")
def validate(plan_id: int):
    plan = _plan(plan_id, "plan.validate")
    return act_and_go_back(lambda: services.validate_plan(actor=_actor(), plan=plan), f"Plan {plan.year} validé.",
                           url_for("plan.version", plan_id=plan.id))


@bp.route("/<int:plan_id>/publier", methods=["POST"])
@permission_required("plan.publish")
def publish(plan_id: int):
    plan = _plan(plan_id, "plan.publish")
    if request.form.get("confirm") != "1":
        current = services.published_plan()
        replaces = (f" Il remplace le plan {current.year} : la cellule, les modèles d'alerte et les destinataires "
                    f"du RETEX de ce plan s'appliquent dès maintenant." if current and current.id != plan.id else "")
        people = dispatch.recipients(plan)
        sending = ([f"Le PDF du plan est envoyé par e-mail aux tutelles qu'il nomme "
                    f"({pluriel(len(people), 'destinataire', 'destinataires')}) : "
                    + ", ".join(f"{p.name} <{p.email}>" for p in people) + "."] if people else
                   ["Aucune tutelle (ARS, CPAM, MSA) avec une adresse e-mail n'est nommée dans le plan : il ne sera "
                    "envoyé à personne. Ajoutez-les dans « Retour d'expérience » pour qu'elles le reçoivent."])
        return render_template(
            "_confirm.html", heading="Publier le plan",
            sentence=f"Le plan {plan.year} sera publié : ses chiffres sont figés et il ne pourra plus être modifié "
                     f"(la version suivante repartira d'une copie).{replaces}",
            details=[*sending, "Les crises ouvertes ensuite suivent ses mesures, sa cellule et ses modèles d'alerte.",
                     "Le RETEX de chaque crise est envoyé aux organismes qu'il nomme."],
            action=url_for("plan.publish", plan_id=plan.id), confirm_label="Confirmer la publication",
            back=url_for("plan.version", plan_id=plan.id), hidden=[])
    return act_and_go_back(lambda: services.publish_plan(actor=_actor(), plan=plan),
                           f"Plan {plan.year} publié : ses chiffres sont figés.",
                           url_for("plan.version", plan_id=plan.id))


@bp.post("/<int:plan_id>/envois/<int:delivery_id>/renvoi")
@permission_required("plan.publish")
def resend(plan_id: int, delivery_id: int):
    plan = _plan(plan_id, "plan.publish")
    return act_and_go_back(lambda: dispatch.resend(actor=_actor(), plan=plan, delivery_id=delivery_id),
                           "Plan renvoyé à ce destinataire : suivez l'envoi ci-dessous.",
                           url_for("plan.version", plan_id=plan.id, _anchor="envois"))


@bp.route("/<int:plan_id>/pdf")
@permission_required("plan.read")
def download_pdf(plan_id: int):
    plan = _plan(plan_id, "plan.read")
    return core_documents.respond(plan_documents.request_plan(plan, actor=_actor()))


@bp.route("/<int:plan_id>/differences")
@permission_required("plan.read")
def differences(plan_id: int):
    plan = _plan(plan_id, "plan.read")
    against = request.args.get("avec", type=int)
    old = _plan(against, "plan.read") if against else _previous(plan)
    if old is None:
        flash("Aucune version antérieure à comparer.", "info")
        return redirect(url_for("plan.version", plan_id=plan.id))
    return render_template("plan/differences.html", plan=plan, old=old, sections=diff.between(old, plan),
                           plans=services.list_plans())


def _year_arg() -> int:
    return min(max(request.args.get("annee", type=int) or _this_year(), 2000), 2200)


def _activity_page(year: int, data: dict, errors: dict, status: int = 200):
    rows = activities.for_year(year)
    names = figures.professional_names({p for a in rows for p in a.participant_ids or []})
    return render_template("plan/activity_list.html", year=year, rows=rows, data=data, errors=errors,
                           kinds=ActivityKind, people=figures.professional_choices(), names=names), status


@bp.get("/actions")
@permission_required("plan.read")
def activity_list():
    return _activity_page(_year_arg(), {}, {})


@bp.post("/actions")
@permission_required("plan.edit")
def activity_create():
    year, data = _year_arg(), forms.activity(request.form)
    try:
        activities.create_activity(actor=_actor(), year=year, data=data)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return _activity_page(year, data, exc.fields, exc.status)
    flash("Action enregistrée.", "success")
    return redirect(url_for("plan.activity_list", annee=year))


@bp.route("/actions/<int:activity_id>/realisee", methods=["POST"])
@permission_required("plan.edit")
def activity_done(activity_id: int):
    if activity_id > MAX_ID:
        abort(404)
    activity = get_for_user(PlanActivity, activity_id, "plan.edit")
    data = {k: v for k, v in activities.as_dict(activity).items() if k != "id"}
    data["done_on"] = request.form.get("done_on") or None
    try:
        activities.update_activity(actor=_actor(), activity=activity, data=data)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
    else:
        flash("Action marquée comme réalisée.", "success")
    return redirect(url_for("plan.activity_list", annee=activity.year))


@bp.route("/mon-role")
@permission_required("plan.self")
def my_part():
    return render_template("plan/my_part.html", part=services.my_part(_actor()))
