"""Points de situation pages: the list, a new point composed from the run, its edit, PDF, sending to partner
organisations after a confirmation, and each delivery with its resend (same blueprint as the crisis pages)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.core.access import permission_required
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.outcome import act_and_go_back
from crisis_app.crises import situation
from crisis_app.crises.models import Crisis, SituationReport
from crisis_app.crises.views import actor, bounded, bp, confirm_page, confirmed, crisis_for


def _report(crisis: Crisis, number: int) -> SituationReport:
    report = situation.report_of(crisis, bounded(number))
    if report is None or not situation.may_read(current_user, report):
        abort(404)
    return report


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 10]


@bp.get("/<int:crisis_id>/situation")
@permission_required("crisis.situation.read")
def situation_list(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.situation.read")
    return render_template("crises/situation_list.html", crisis=crisis,
                           reports=situation.readable(current_user, crisis),
                           proposed=situation.proposed_after(crisis))


@bp.route("/<int:crisis_id>/situation/nouveau", methods=["GET", "POST"])
@permission_required("crisis.situation.write")
def situation_new(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.situation.write")
    if request.method == "POST":
        try:
            report = situation.create(actor=actor(), crisis=crisis, text=request.form.get("text", ""))
        except ServiceError as exc:
            abandon()
            flash(exc.message, "error")
            return redirect(url_for("crises.situation_list", crisis_id=crisis.id))
        flash(f"Point de situation n° {report.number} enregistré : choisissez ses destinataires.", "success")
        return redirect(url_for("crises.situation_page", crisis_id=crisis.id, number=report.number))
    if not crisis.active:
        flash("Cette crise est close : plus de point de situation.", "error")
        return redirect(url_for("crises.situation_list", crisis_id=crisis.id))
    figures = situation.compose(crisis)
    return render_template("crises/situation_new.html", crisis=crisis, text=situation.draft_text(crisis, figures))


@bp.route("/<int:crisis_id>/situation/<int:number>", methods=["GET", "POST"])
@permission_required("crisis.situation.read")
def situation_page(crisis_id: int, number: int):
    crisis = crisis_for(crisis_id, "crisis.situation.read")
    report = _report(crisis, number)
    if request.method == "POST":
        if not current_user.may("crisis.situation.write"):
            abort(403)
        return act_and_go_back(lambda: situation.update_text(actor=actor(), report=report,
                                                             text=request.form.get("text", "")),
                               "Point de situation enregistré.",
                               url_for("crises.situation_page", crisis_id=crisis.id, number=report.number))
    return render_template("crises/situation.html", crisis=crisis, report=report,
                           partners=situation.partner_choices(), deliveries=situation.deliveries(report))


@bp.get("/<int:crisis_id>/situation/<int:number>.pdf")
@permission_required("crisis.situation.read")
def situation_pdf(crisis_id: int, number: int):
    report = _report(crisis_for(crisis_id, "crisis.situation.read"), number)
    return Response(situation.document(report), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=point-situation-{crisis_id}-{report.number}.pdf"})


@bp.post("/<int:crisis_id>/situation/<int:number>/envoi")
@permission_required("crisis.situation.write")
def situation_send(crisis_id: int, number: int):
    crisis = crisis_for(crisis_id, "crisis.situation.write")
    report = _report(crisis, number)
    chosen = _ids(request.form.getlist("organisation_ids") or request.form.get("chosen", "").split(","))
    back = url_for("crises.situation_page", crisis_id=crisis.id, number=report.number)
    if confirmed():
        return act_and_go_back(lambda: situation.send(actor=actor(), report=report, organisation_ids=chosen),
                               "Point de situation envoyé : suivez chaque envoi ci-dessous.", back)
    try:
        people, names = situation.recipients(chosen)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(back)
    return confirm_page(
        crisis=crisis, heading="Envoyer le point de situation",
        sentence=f"Le point de situation n° {report.number} part par e-mail, PDF joint, à "
                 f"{pluriel(len(names), 'organisation', 'organisations')} ({', '.join(names)}) : "
                 f"{pluriel(len(people), 'destinataire', 'destinataires')}. L'envoi est noté au journal de bord.",
        details=[f"{p.name} <{p.email}>" for p in people],
        action=url_for("crises.situation_send", crisis_id=crisis.id, number=report.number),
        confirm_label="Confirmer l'envoi", back=back, hidden={"chosen": ",".join(map(str, chosen))})


@bp.post("/<int:crisis_id>/situation/<int:number>/envois/<int:delivery_id>/renvoi")
@permission_required("crisis.situation.write")
def situation_resend(crisis_id: int, number: int, delivery_id: int):
    crisis = crisis_for(crisis_id, "crisis.situation.write")
    report = _report(crisis, number)
    return act_and_go_back(lambda: situation.resend(actor=actor(), report=report, delivery_id=bounded(delivery_id)),
                           "Point de situation renvoyé à ce destinataire.",
                           url_for("crises.situation_page", crisis_id=crisis.id, number=report.number))
