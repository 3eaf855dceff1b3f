"""The quality referents' pages: the register, one event with its triage, transitions and EIGS; the settings."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.core import documents as kept
from crisis_app.core.access import permission_required
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import abandon, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.labels import label_of, labels
from quality import gate
from quality.blueprints import run_and_go_back
from quality.register import documents, eigs_documents, forms, keeplink, query, redaction, rules, services, vocab
from quality.register.views import show_errors

bp = Blueprint("quality_review", __name__, url_prefix="/qualite")

FILTER_KEYS = ("state", "category", "severity", "zone", "since", "until", "place", "q")
CSV_HEADER = ["Référence", "Reçu le", "Survenu le", "Lieu", "Catégorie", "Nature", "État", "Gravité (déclarant)",
              "Vraisemblance (déclarant)", "Gravité (référent)", "Vraisemblance (référent)", "Criticité", "Zone",
              "Anonyme", "Description", "Mesures immédiates", "EIGS partie 1", "Échéance partie 2", "EIGS partie 2",
              "Référence ARS"]


def _actor():
    return current_user._get_current_object()


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def register_filters(args) -> dict:
    """The register's filters from a query string; unknown values are dropped, never an error."""
    filters: dict = {}
    if args.get("state") in {s.value for s in vocab.State}:
        filters["state"] = args["state"]
    elif args.get("state") == "a_trier":
        filters["to_triage"] = True
    for key, words in (("category", vocab.Category), ("place", vocab.Place), ("zone", vocab.Zone)):
        if args.get(key) in labels(words):
            filters[key] = args[key]
    if args.get("severity") in {"1", "2", "3", "4", "5"}:
        filters["severity"] = int(args["severity"])
    filters.update({k: d for k in ("since", "until") if (d := _day(args.get(k)))})
    if (args.get("q") or "").strip():
        filters["q"] = args["q"].strip()[:100]
    return filters


@bp.route("/registre")
@permission_required("quality.manage")
def register():
    filters = register_filters(request.args)
    page_number = max(min(request.args.get("page", 1, type=int) or 1, 100_000), 1)
    page = query.register(filters, zones=services.zones(), page=page_number,
                          per_page=current_app.config.get("QUALITY_PAGE_SIZE", query.PAGE_SIZE))
    return render_template("quality/register.html", page=page, filters=filters, args=request.args, vocab=vocab,
                           zones=services.zones(), filter_args={k: v for k, v in request.args.items()
                                                                if k in FILTER_KEYS},
                           states=[("a_trier", "À trier"), *query.state_choices()])


@bp.route("/registre.csv")
@permission_required("quality.manage")
def export():
    zones = services.zones()
    events = db.session.scalars(query.register_statement(register_filters(request.args), zones=zones))
    rows = ([e.reference, e.created_at, e.occurred_on, e.place_label, e.category_label, e.nature_label,
             e.state_label, e.declarer_severity, e.declarer_likelihood, e.referent_severity, e.referent_likelihood,
             e.criticality, label_of(vocab.Zone, zones.zone(e.criticality)), e.anonymous, e.description,
             e.immediate_measures, e.eigs_part1_sent_on, e.eigs_part2_due_on, e.eigs_part2_sent_on, e.ars_reference]
            for e in events)
    return csv_response(f"registre-eias-{utcnow():%Y-%m-%d}.csv", CSV_HEADER, rows)


def _event_page(event, *, status: int = 200, **form_overrides):
    transition_form = form_overrides.get("transition_form") or forms.TransitionForm()
    transition_form.to.choices = [(s.value, s.label) for s in rules.next_states(event.state)]
    triage_form = form_overrides.get("triage_form") or forms.TriageForm(
        severity=event.referent_severity or event.declarer_severity,
        likelihood=event.referent_likelihood or event.declarer_likelihood)
    return render_template(
        "quality/event.html", event=event, vocab=vocab, zones=services.zones(), triage_form=triage_form,
        transition_form=transition_form, feedback_form=form_overrides.get("feedback_form") or forms.FeedbackForm(
            feedback=event.feedback), can_triage=event.state in rules.TO_TRIAGE,
        asks_eigs=rules.asks_eigs_question(event.severity), passages=redaction.passages(event),
        redactable=redaction.FIELDS, replacements=redaction.Replacement), status


def _submit(event, form, action, success: str, form_key: str):
    if form.validate_on_submit():
        try:
            action()
        except ServiceError as exc:
            show_errors(form, exc)
            abandon()
            return _event_page(query.get_event_for_user(_actor(), event.id), status=exc.status,
                               **{form_key: form})
        flash(success, "success")
        return redirect(url_for("quality_review.event", event_id=event.id))
    return _event_page(event, status=400, **{form_key: form})


@bp.route("/evenements/<int:event_id>")
@permission_required("quality.manage")
def event(event_id: int):
    return _event_page(query.get_event_for_user(_actor(), event_id))


@bp.route("/evenements/<int:event_id>/tri", methods=["POST"])
@permission_required("quality.manage")
def triage(event_id: int):
    event, form = query.get_event_for_user(_actor(), event_id), forms.TriageForm()
    return _submit(event, form, lambda: services.triage(
        actor=_actor(), event=event, severity=form.severity.data, likelihood=form.likelihood.data,
        decision=form.decision.data, reason=form.reason.data, duplicate_of_id=form.duplicate_of_id.data,
        feedback=form.feedback.data), "Tri enregistré.", "triage_form")


@bp.route("/evenements/<int:event_id>/transition", methods=["POST"])
@permission_required("quality.manage")
def transition(event_id: int):
    event, form = query.get_event_for_user(_actor(), event_id), forms.TransitionForm()
    return _submit(event, form, lambda: services.transition(
        actor=_actor(), event=event, to=form.to.data, reason=form.reason.data, feedback=form.feedback.data),
        "État mis à jour.", "transition_form")


@bp.route("/evenements/<int:event_id>/retour", methods=["POST"])
@permission_required("quality.manage")
def feedback(event_id: int):
    event, form = query.get_event_for_user(_actor(), event_id), forms.FeedbackForm()
    return _submit(event, form, lambda: services.give_feedback(actor=_actor(), event=event,
                                                               feedback=form.feedback.data),
                   "Retour au déclarant enregistré.", "feedback_form")


@bp.route("/evenements/<int:event_id>/eigs", methods=["GET", "POST"])
@permission_required("quality.manage")
def eigs(event_id: int):
    event = query.get_event_for_user(_actor(), event_id)
    form, status = forms.EigsForm(part1_sent_on=event.eigs_part1_sent_on, ars_reference=event.ars_reference,
                                  part2_sent_on=event.eigs_part2_sent_on), 200
    if form.validate_on_submit():
        try:
            services.record_eigs(actor=_actor(), event=event, part1_sent_on=form.part1_sent_on.data,
                                 part2_sent_on=form.part2_sent_on.data, ars_reference=form.ars_reference.data)
        except ServiceError as exc:
            abandon()
            status = exc.status
            show_errors(form, exc)
            abandon()
        else:
            flash("Suivi EIGS enregistré.", "success")
            return redirect(request.path)
    elif request.method == "POST":
        status = 400
    cpts = current_app.config["CPTS_NAME"]
    return render_template("quality/eigs.html", event=event, form=form, part1=documents.part1(event, cpts_name=cpts),
                           part2=documents.part2(event, cpts_name=cpts),
                           blockers=gate.check(documents.sources(event))), status


@bp.route("/evenements/<int:event_id>/eigs/partie-<int:part>.pdf")
@permission_required("quality.manage")
def eigs_pdf(event_id: int, part: int):
    event = query.get_event_for_user(_actor(), event_id)
    if part not in (1, 2) or not event.is_eigs:
        abort(404)
    blockers = gate.check(documents.sources(event))
    if blockers:
        return render_template("errors/error.html", status=409, title="Document bloqué",
                               message=f"Le filtre trouve {blockers[0].sentence} : caviardez-le sur la page de "
                                       "l'événement avant de produire ce document."), 409
    # the kept PDF, or the wait page while a worker makes it (core.documents)
    return kept.respond(eigs_documents.request_part(event, part, actor=_actor()))


@bp.route("/parametres", methods=["GET", "POST"])
@permission_required("quality.configure")
def settings():
    row = services.settings()
    form, status = forms.ZonesForm(acceptable_max=row.acceptable_max, unacceptable_min=row.unacceptable_min), 200
    if form.validate_on_submit():
        try:
            services.set_zones(actor=_actor(), acceptable_max=form.acceptable_max.data,
                               unacceptable_min=form.unacceptable_min.data)
        except ServiceError as exc:
            abandon()
            status = exc.status
            show_errors(form, exc)
        else:
            flash("Zones de criticité enregistrées.", "success")
            return redirect(request.path)
    elif request.method == "POST":
        status = 400
    link = (url_for("quality_public.public_declare", token=row.public_token, _external=True)
            if row.public_token else None)
    return render_template("quality/settings.html", form=form, link=link, row=row,
                           renew_form=forms.ConfirmForm()), status


@bp.route("/parametres/lien-public", methods=["POST"])
@permission_required("quality.configure")
def renew_link():
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    if services.settings().public_token and request.form.get("confirm") != "oui":
        flash("Cochez « l'ancienne adresse cessera de fonctionner » pour confirmer : rien n'a changé.", "error")
    else:
        services.renew_public_link(actor=_actor())
        flash("Nouvelle adresse de déclaration créée : l'ancienne ne fonctionne plus. Imprimez la nouvelle "
              "affiche.", "success")
    return redirect(url_for("quality_review.settings"))


@bp.route("/parametres/affiche.pdf")
@permission_required("quality.configure")
def poster():
    row = services.settings()
    if not row.public_token:
        abort(404)
    link = url_for("quality_public.public_declare", token=row.public_token, _external=True)
    return Response(keeplink.poster_pdf(link), mimetype="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="affiche-declaration-eias.pdf"', "Cache-Control": "no-store"})


@bp.route("/evenements/<int:event_id>/caviarder", methods=["POST"])
@permission_required("quality.manage")
def redact(event_id: int):
    event = query.get_event_for_user(_actor(), event_id)
    target = url_for("quality_review.event", event_id=event.id) + "#caviarder"
    return run_and_go_back(lambda: redaction.redact(
        actor=_actor(), event=event, field=request.form.get("field", ""), passage=request.form.get("passage", ""),
        replacement=request.form.get("replacement", "")), "Passage caviardé : l'ancien texte est effacé.", target)
