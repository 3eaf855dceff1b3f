"""Stock pages: the overview, the ledger, one form per movement kind, items, locations, CSV exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields import SelectChoice

from crisis_app.core import crisis_context
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.db import abandon, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.home import Card, card_provider
from crisis_app.core.labels import labels
from crisis_app.core.pagination import link_args, page_number
from crisis_app.stock import checks, exports, forms, query, services
from crisis_app.stock.models import MovementKind, StockItem, StockLocation
from crisis_app.stock.schemas import MAX_ID
from crisis_app.stock.units import quantity_text

bp = Blueprint("stock", __name__, url_prefix="/stock")

PAGE_SIZE = 50
FILTER_KEYS = ("item_id", "lot_id", "location_id", "crisis_id", "professional_id")


def _actor():
    return current_user._get_current_object()


def _warning_days() -> int:
    return int(current_app.config.get("STOCK_EXPIRY_WARNING_DAYS", query.DEFAULT_EXPIRY_WARNING_DAYS))


@bp.route("/")
@permission_required("stock.read")
def overview():
    days = _warning_days()
    return render_template("stock/overview.html", stocks=query.item_stocks(), by_location=query.lots_by_location(),
                           expiring=query.expiring_lots(today=utcnow().date(), days=days), days=days,
                           warnings=query.warnings(), today=utcnow().date())


def _movement_filters(args) -> dict[str, Any]:
    filters: dict[str, Any] = {k: v for k in FILTER_KEYS if (v := forms.optional_int(args.get(k)))
                               and 1 <= v <= MAX_ID}
    if args.get("kind") in labels(MovementKind):
        filters["kind"] = MovementKind(args["kind"])
    return filters


@bp.route("/mouvements")
@permission_required("stock.read")
def movements():
    filters = _movement_filters(request.args)
    page = page_number(request.args)
    rows, total = query.movements(filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("stock/movements.html", rows=rows, total=total, page=page, filters=filters,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), recipients=query.recipients_of(rows),
                           items=query.item_stocks(), locations=query.locations(include_inactive=True),
                           crises=query.crises(), kinds=labels(MovementKind),
                           filter_args=link_args(request.args))


# --- movement forms ------------------------------------------------------------------------------

def _fill_choices(form: FlaskForm, *, all_lots: bool = False) -> FlaskForm:
    none = [("", "—")]
    if hasattr(form, "item_id"):
        form.item_id.choices = none + [(s.item.id, f"{s.item.name} ({s.item.unit})")
                                       for s in query.item_stocks(include_inactive=False)]
    if hasattr(form, "location_id"):
        form.location_id.choices = none + [(loc.id, loc.name) for loc in query.locations()]
    if hasattr(form, "lot_id"):
        form.lot_id.choices = none + [_lot_choice(lot) for lot in query.lots(in_stock_only=not all_lots)]
    if hasattr(form, "recipient"):
        form.recipient.choices = forms.recipient_choices(query.professionals(), query.organisations())
    if hasattr(form, "crisis_id"):
        form.crisis_id.choices = none + [(c.id, f"{c.title}{' (exercice)' if c.is_exercise else ''}")
                                         for c in query.crises()]
    return form


def _lot_choice(lot) -> SelectChoice:
    """A lot with what is left said in its unit; the unit and pack count ride along for the quantity's hint."""
    item = lot.item
    return SelectChoice(lot.id, f"{lot.label} — {quantity_text(lot.quantity, item.unit)} "
                        f"{pluriel(lot.quantity, 'disponible', 'disponibles', with_count=False)}",
                        render_kw={"data-unit": item.unit, "data-pack-size": item.pack_size or "",
                                   "data-pack-content": item.pack_content or ""})


FIELD_OF = {"professional_id": "recipient", "organisation_id": "recipient"}  # a service's name → the form's


def _movement_page(form: FlaskForm, title: str, record: Callable[[dict], Any], success: str | Callable[[Any], str],
                   template: str = "stock/movement_form.html", **context):
    """Validate, record through ``record``, or show the form again with the service's French messages."""
    status = 200
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        try:
            done = record(data)
        except ServiceError as exc:
            abandon()
            status = exc.status
            flash(exc.message, "error")
            for name, messages in exc.fields.items():
                name = FIELD_OF.get(name, name)
                if name in form:
                    form[name].errors = [*form[name].errors, *messages]
        else:
            flash(success(done) if callable(success) else success, "success")
            return redirect(url_for("stock.overview"))
    elif request.method == "POST":
        status = 400
    return render_template(template, form=form, title=title, **context), status


@bp.app_template_filter("quantite")
def _quantite(quantity: int, unit: str) -> str:
    """« 73 boîtes de 20 », « 1 flacon » : a quantity said with its unit."""
    return quantity_text(quantity, unit)


def _current_crisis_id() -> int | None:
    """The crisis a movement is for by default: the only real crisis open (an exercise running beside it does not
    count); with several real crises open, the form asks."""
    real = [c for c in crisis_context.open_crises() if not c.is_exercise]
    return real[0].id if len(real) == 1 else None


@bp.route("/reception", methods=["GET", "POST"])
@permission_required("stock.manage")
def reception():
    form = _fill_choices(forms.ReceptionForm(crisis_id=_current_crisis_id()))
    return _movement_page(form, "Enregistrer une réception",
                          lambda d: services.receive(actor=_actor(), **d), "Réception enregistrée.")


@bp.route("/distribution", methods=["GET", "POST"])
@permission_required("stock.distribute")
def distribution():
    form = _fill_choices(forms.DistributionForm(lot_id=request.args.get("lot_id", type=int),
                                                crisis_id=_current_crisis_id()))
    return _movement_page(form, "Enregistrer une distribution",
                          lambda _: services.distribute(actor=_actor(), **form.service_args()), _handed_out,
                          template="stock/distribution_form.html", hint=_quantity_hint(form))


def _handed_out(movement) -> str:
    recipient = movement.structure or (movement.professional.display_name if movement.professional else "")
    return (f"Distribution enregistrée. {movement.item.handed_out_text(-movement.delta)} de « {movement.item.name} » "
            f"remis à {recipient}.")


def _quantity_hint(form) -> dict:
    """The selected lot's unit beside the quantity, and what the quantity typed means in all."""
    lot = query.lot(form.lot_id.data) if form.lot_id.data else None
    if lot is None:
        return {"unit": "", "total": ""}
    quantity = form.quantity.data if isinstance(form.quantity.data, int) and form.quantity.data > 0 else None
    return {"unit": f"× {lot.item.unit}", "total": lot.item.handed_out_text(quantity) if quantity else ""}


@bp.route("/sortie", methods=["GET", "POST"])
@permission_required("stock.manage")
def write_off():
    form = _fill_choices(forms.WriteOffForm(lot_id=request.args.get("lot_id", type=int)))
    return _movement_page(form, "Enregistrer une perte ou une péremption",
                          lambda d: services.write_off(actor=_actor(), **d), "Sortie enregistrée.")


@bp.route("/inventaire", methods=["GET", "POST"])
@permission_required("stock.manage")
def inventory():
    form = _fill_choices(forms.InventoryForm(lot_id=request.args.get("lot_id", type=int)), all_lots=True)
    return _movement_page(form, "Corriger un lot après inventaire",
                          lambda d: services.count_inventory(actor=_actor(), **d), "Inventaire enregistré.")


# --- items, locations, the check, exports --------------------------------------------------------

def _form_page(form: FlaskForm, template: str, create: Callable[[], Any], success: str, **context):
    status = 200
    if form.validate_on_submit():
        try:
            create()
        except ServiceError as exc:
            abandon()
            status = exc.status
            for name, messages in (exc.fields or {"name": [exc.message]}).items():
                if name in form:
                    form[name].errors = [*form[name].errors, *messages]
        else:
            flash(success, "success")
            return redirect(request.path)
    elif request.method == "POST":
        status = 400
    return render_template(template, form=form, **context), status


@bp.route("/articles", methods=["GET", "POST"])
@permission_required("stock.manage")
def items():
    form = forms.ItemForm()
    return _form_page(form, "stock/items.html", lambda: services.create_item(actor=_actor(), **form.values()),
                      "Article créé.", stocks=query.item_stocks())


@bp.route("/articles/<int:item_id>", methods=["GET", "POST"])
@permission_required("stock.manage")
def item_edit(item_id: int):
    item = get_for_user(StockItem, min(item_id, MAX_ID), "stock.manage")
    form = forms.ItemForm(obj=item)
    return _form_page(form, "stock/item_edit.html", lambda: services.update_item(
        actor=_actor(), item=item, **form.values()), "Article modifié.", item=item)


@bp.route("/lieux", methods=["GET", "POST"])
@permission_required("stock.manage")
def locations():
    form = forms.LocationForm()
    return _form_page(form, "stock/locations.html", lambda: services.create_location(
        actor=_actor(), name=form.name.data, address=form.address.data), "Lieu de stockage créé.",
        locations=query.locations(include_inactive=True))


@bp.route("/lieux/<int:location_id>", methods=["GET", "POST"])
@permission_required("stock.manage")
def location_edit(location_id: int):
    location = get_for_user(StockLocation, min(location_id, MAX_ID), "stock.manage")
    form = forms.LocationForm(obj=location)
    return _form_page(form, "stock/location_edit.html", lambda: services.update_location(
        actor=_actor(), location=location, name=form.name.data, address=form.address.data),
        "Lieu de stockage modifié.", location=location)


@bp.route("/controle", methods=["POST"])
@permission_required("stock.manage")
def run_check():
    found = checks.run_daily_check(warning_days=_warning_days())
    flash(f"Contrôle effectué : {pluriel(len(found), 'alerte', 'alertes')}.", "success" if not found else "info")
    return redirect(url_for("stock.overview"))


def _csv_response(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/csv", content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/export/stock.csv")
@permission_required("stock.read")
def export_stock():
    return _csv_response(exports.stock_csv(), f"stock-{utcnow():%Y-%m-%d}.csv")


@bp.route("/export/mouvements.csv")
@permission_required("stock.read")
def export_movements():
    return _csv_response(exports.movements_csv(_movement_filters(request.args)), f"mouvements-{utcnow():%Y-%m-%d}.csv")


@card_provider("stock.read", order=20)
def _stock_card(user):
    found = query.warnings()
    url = url_for("stock.overview")
    if not found:
        yield Card(title="Stock de matériel", value="Aucune alerte", tone="ok", url=url, action="Voir le stock",
                   detail="Seuils d'alerte et dates de péremption en ordre au dernier contrôle.")
        return
    detail = " · ".join(w.message for w in found[:3]) + (" …" if len(found) > 3 else "")
    yield Card(title="Stock de matériel", value=pluriel(len(found), "alerte", "alertes"), detail=detail, url=url,
               action="Voir le stock", tone="alert" if any(w.tone == "alert" for w in found) else "warn")
