"""RETEX pages: the pre-filled evaluation, its sections and actions, validation, PDF, sending and deliveries."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from crisis_app.actionplan import services as action_plan
from crisis_app.core import documents
from crisis_app.core.access import permission_required
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.core.outcome import act_and_go_back
from crisis_app.crises import documents as crisis_documents
from crisis_app.crises import plan_link, retex
from crisis_app.crises.views import actor, bounded, bp, confirm_page, confirmed, crisis_for

BLANK_ACTIONS = 3


def _actions_from_form(form) -> list[dict]:
    ids, titles, owners = form.getlist("action_id"), form.getlist("action_title"), form.getlist("action_owner")
    dues = form.getlist("action_due")
    rows = []
    for i, title in enumerate(titles):
        owner = owners[i] if i < len(owners) else ""
        if title.strip() or owner.strip():
            known = ids[i] if i < len(ids) else ""
            rows.append({"id": int(known) if known.isdigit() and len(known) < 10 else None, "title": title,
                         "owner": owner, "due_on": (dues[i] if i < len(dues) else "") or None})
    return rows


def _page(crisis, evaluation, errors=None, status=200):
    return render_template("crises/retex.html", crisis=crisis, evaluation=evaluation, errors=errors or {},
                           next_statuses=action_plan.next_statuses, blank=BLANK_ACTIONS,
                           deliveries=retex.deliveries(evaluation)), status


@bp.route("/<int:crisis_id>/retex", methods=["GET"])
@permission_required("crisis.evaluation.read")
def retex_page(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.evaluation.read")
    return _page(crisis, retex.evaluation_of(crisis))


@bp.route("/<int:crisis_id>/retex", methods=["POST"])
@permission_required("crisis.manage")
def retex_save(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    try:
        retex.save(actor=actor(), crisis=crisis, worked=request.form.get("worked", ""),
                   not_worked=request.form.get("not_worked", ""), actions=_actions_from_form(request.form))
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return _page(crisis, retex.evaluation_of(crisis), exc.fields, exc.status)
    flash("Retour d'expérience enregistré.", "success")
    return redirect(url_for("crises.retex_page", crisis_id=crisis.id))


@bp.route("/<int:crisis_id>/retex/validation", methods=["POST"])
@permission_required("crisis.manage")
def retex_validate(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    if not confirmed():
        return confirm_page(
            crisis=crisis, heading="Valider le retour d'expérience",
            sentence=f"Le retour d'expérience de « {crisis.title} » sera validé en votre nom : ses chiffres et son "
                     f"texte sont figés, il ne se modifie plus (seul le suivi des actions reste ouvert).",
            details=["Il pourra ensuite être envoyé à l'ARS et aux partenaires, après vérification des "
                     "destinataires."],
            action=url_for("crises.retex_validate", crisis_id=crisis.id), confirm_label="Confirmer la validation",
            back=url_for("crises.retex_page", crisis_id=crisis.id))
    return act_and_go_back(lambda: retex.validate(actor=actor(), crisis=crisis),
                           "Retour d'expérience validé : les chiffres sont figés.",
                           url_for("crises.retex_page", crisis_id=crisis.id))


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 10]


def _extra_emails(value: str) -> list[str]:
    return [e for e in value.replace(";", ",").replace("\n", ",").split(",") if e.strip()]


@bp.route("/<int:crisis_id>/retex/envoi", methods=["POST"])
@permission_required("crisis.manage")
def retex_send(crisis_id: int):
    """First the recipients, shown and editable (the plan in force's ticked, other partners to add, extra
    addresses); then the confirmed send."""
    crisis = crisis_for(crisis_id, "crisis.manage")
    form = request.form
    chosen = _ids(form.getlist("contact_ids")) if form.get("step") else None
    extra = form.get("extra_emails", "")
    if form.get("confirm") == "1":
        return act_and_go_back(
            lambda: retex.send(actor=actor(), crisis=crisis, contact_ids=chosen, extra_emails=_extra_emails(extra)),
            "Retour d'expérience envoyé : suivez chaque envoi ci-dessous.",
            url_for("crises.retex_page", crisis_id=crisis.id))
    choices = retex.recipient_choices(crisis)
    selected = {r["contact_id"] for r in choices if r["planned"]} if chosen is None else set(chosen)
    error = None
    try:
        people = retex.recipients(crisis, sorted(selected), _extra_emails(extra))
    except ServiceError as exc:
        people, error = [], " ".join(m for ms in exc.fields.values() for m in ms) or exc.message
    return render_template("crises/retex_send.html", crisis=crisis, choices=choices, selected=selected,
                           extra=extra, people=people, error=error, plan=plan_link.published_plan(),
                           ready=form.get("step") == "review" and not error and bool(people)), \
        400 if error else 200


@bp.route("/<int:crisis_id>/retex/envois/<int:delivery_id>/renvoi", methods=["POST"])
@permission_required("crisis.manage")
def retex_resend(crisis_id: int, delivery_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    return act_and_go_back(lambda: retex.resend(actor=actor(), crisis=crisis, delivery_id=bounded(delivery_id)),
                           "Retour d'expérience renvoyé à ce destinataire : suivez l'envoi ci-dessous.",
                           url_for("crises.retex_page", crisis_id=crisis.id, _anchor="envois"))


@bp.route("/<int:crisis_id>/retex/actions/<int:action_id>", methods=["POST"])
@permission_required("crisis.manage")
def retex_action(crisis_id: int, action_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    action = retex.action_of(crisis, bounded(action_id))
    if action is None:
        abort(404)
    return act_and_go_back(lambda: retex.follow_action(actor=actor(), action=action,
                                                       status=request.form.get("status", ""),
                                                       evidence_note=request.form.get("evidence_note")),
                           "Suivi de l'action mis à jour.", url_for("crises.retex_page", crisis_id=crisis.id))


@bp.route("/<int:crisis_id>/retex.pdf")
@permission_required("crisis.evaluation.read")
def retex_pdf(crisis_id: int):
    """The kept PDF, or the wait page while a worker makes it (core.documents)."""
    crisis = crisis_for(crisis_id, "crisis.evaluation.read")
    return documents.respond(crisis_documents.request_retex(crisis, actor=actor()))
