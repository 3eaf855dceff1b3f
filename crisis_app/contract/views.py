"""The contract's page: the form, the crisis mission's calendar, the variable crisis amount; and its home card."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.contract import indicators, services
from crisis_app.contract.forms import ButtonForm, ContractForm
from crisis_app.core.access import permission_required
from crisis_app.core.db import abandon, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.home import Card, card_provider
from crisis_app.core.outcome import act_and_go_back
from crisis_app.core.timez import to_paris
from crisis_app.crises.models import Crisis
from quality.indicators import targets

bp = Blueprint("contract", __name__, url_prefix="/contrat")
MAX_ID = 2**31 - 1


def _page(form: ContractForm, status: int = 200):
    contract = services.get_contract()
    triggers = services.triggers()
    return render_template(
        "contract/index.html", form=form, contract=contract, button=ButtonForm(formdata=None),
        milestones=services.calendar_of(contract) if contract else [], triggers=triggers,
        titles=services.crisis_titles({t.crisis_id for t in triggers}), amounts=services.variable_amounts(),
        candidates=services.candidate_crises() if current_user.may("contract.manage") else []), status


@bp.route("/")
@permission_required("contract.read")
def index():
    contract = services.get_contract()
    form = ContractForm(formdata=None, obj=contract)
    if contract is not None:
        form.size.data = str(contract.size)
    else:
        form.missions.data = ["crisis"]
    return _page(form)


@bp.route("/", methods=["POST"])
@permission_required("contract.manage")
def save():
    form = ContractForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        services.save_contract(actor=current_user._get_current_object(), data=form.data_for_service())
    except ServiceError as exc:
        abandon()
        field = getattr(form, next(iter(exc.fields), "signed_on"), form.signed_on)
        field.errors = [*field.errors, exc.message]
        return _page(form, 400)
    flash("Contrat enregistré.", "success")
    return redirect(url_for("contract.index"), code=303)


@bp.route("/montant-variable", methods=["POST"])
@permission_required("contract.manage")
def trigger():
    if not ButtonForm().validate_on_submit():
        abort(400)
    crisis = db.session.get(Crisis, min(request.form.get("crisis_id", type=int) or 0, MAX_ID)) or abort(404)
    return act_and_go_back(lambda: services.record_trigger(actor=current_user._get_current_object(), crisis=crisis),
                           "Montant variable enregistré pour cette crise.", url_for("contract.index"))


@card_provider("contract.read", order=4)
def _calendar_card(user):
    contract = services.get_contract()
    if contract is None:
        if user.may("contract.manage"):
            yield Card(title="Contrat ACI", value="À renseigner", tone="warn", url=url_for("contract.index"),
                       detail="Date de signature, taille, missions : le calendrier de la mission crise en dépend.",
                       action="Renseigner le contrat")
        return
    shown = False
    for milestone in services.calendar_of(contract):
        if milestone.status in ("near", "late") and user.may("contract.manage"):
            late, shown = milestone.status == "late", True
            yield Card(title=milestone.label, value=f"{'En retard depuis' if late else 'Avant'} le "
                       f"{milestone.due_on:%d/%m/%Y}", tone="warn", url=url_for("contract.index"),
                       detail=("Échéance du contrat dépassée." if late
                               else f"Échéance du contrat dans moins de {services.NEAR_DAYS} jours."),
                       action="Voir le contrat")
    if not shown:
        yield Card(title="Contrat ACI", value=f"Taille {contract.size}",
                   detail=f"Signé le {contract.signed_on:%d/%m/%Y} ; indicateurs et cibles de l'année.",
                   url=url_for("contract.index"), action="Voir le contrat")


def _year() -> int:
    year = request.args.get("annee", type=int) or to_paris(utcnow()).year
    return year if 2000 <= year <= 2100 else to_paris(utcnow()).year


@bp.route("/indicateurs")
@permission_required("contract.read")
def indicators_page():
    year = _year()
    return render_template("contract/indicators.html", year=year, rows=indicators.rows_for(year),
                           button=ButtonForm(formdata=None))


@bp.route("/indicateurs/cible", methods=["POST"])
@permission_required("contract.manage")
def set_target():
    if not ButtonForm().validate_on_submit():
        abort(400)
    key, year = request.form.get("indicator", ""), request.form.get("year", type=int)
    if not indicators.is_known(key):
        abort(404)
    try:
        value = float("".join((request.form.get("value") or "").split()).replace(",", "."))
    except ValueError:
        value = None
    back = url_for("contract.indicators_page", annee=year if year and 2000 <= year <= 2100 else None)
    return act_and_go_back(lambda: targets.set_target(
        actor=current_user._get_current_object(), indicator=key, year=year, value=value,
        conditions_variable=bool(request.form.get("conditions_variable")), label=indicators.label_of(key)),
        "Cible enregistrée.", back)
