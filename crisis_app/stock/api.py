"""Stock API: items with their quantities, storage locations, the movement ledger."""

from __future__ import annotations

from functools import partial

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.api import error_responses
from crisis_app.stock import query, services
from crisis_app.stock.models import MovementKind, StockItem
from crisis_app.stock.schemas import (
    MAX_ID,
    ItemCreateSchema,
    ItemListSchema,
    ItemSchema,
    ItemUpdateSchema,
    LocationListSchema,
    LocationSchema,
    MovementCreateSchema,
    MovementListSchema,
    MovementQuerySchema,
    MovementSchema,
)

bp = Blueprint("api_stock", __name__, url_prefix="/api/v1/stock",
               description="Stock de matériel : articles, lieux de stockage, mouvements")

AUTH_ERRORS = (401, 403)


_errors = partial(error_responses, bp)


def _item(item_id: int, permission: str) -> StockItem:
    require(permission)
    if item_id > MAX_ID:
        abort(404)
    return get_for_user(StockItem, item_id, permission)


@bp.route("/items")
class Items(MethodView):
    @permission_required("stock.read")
    @_errors(*AUTH_ERRORS)
    @bp.response(200, ItemListSchema)
    def get(self):
        """Every item with its quantity over all locations and lots."""
        stocks = query.item_stocks()
        return {"items": [s.as_dict() for s in stocks], "total": len(stocks)}

    @permission_required("stock.manage")
    @_errors(*AUTH_ERRORS, 409)
    @bp.arguments(ItemCreateSchema)
    @bp.response(201, ItemSchema)
    def post(self, data):
        """Add an item to the catalogue (coordinator, référent crise)."""
        item = services.create_item(actor=current_user._get_current_object(), **data)
        return query.item_stock(item).as_dict()


@bp.route("/items/<int:item_id>")
class ItemResource(MethodView):
    @permission_required("stock.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, ItemSchema)
    def get(self, item_id: int):
        """One item with its current quantity."""
        return query.item_stock(_item(item_id, "stock.read")).as_dict()

    @permission_required("stock.manage")
    @_errors(*AUTH_ERRORS, 404, 409)
    @bp.arguments(ItemUpdateSchema)
    @bp.response(200, ItemSchema)
    def patch(self, data, item_id: int):
        """Change an item's name, unit, category, alert threshold or activity."""
        item = services.update_item(actor=current_user._get_current_object(),
                                    item=_item(item_id, "stock.manage"), **data)
        return query.item_stock(item).as_dict()


@bp.route("/locations")
class Locations(MethodView):
    @permission_required("stock.read")
    @_errors(*AUTH_ERRORS)
    @bp.response(200, LocationListSchema)
    def get(self):
        """Storage locations, by name."""
        rows = query.locations(include_inactive=True)
        return {"items": rows, "total": len(rows)}

    @permission_required("stock.manage")
    @_errors(*AUTH_ERRORS, 409)
    @bp.arguments(LocationSchema)
    @bp.response(201, LocationSchema)
    def post(self, data):
        """Add a storage location (coordinator, référent crise)."""
        return services.create_location(actor=current_user._get_current_object(), **data)


@bp.route("/movements")
class Movements(MethodView):
    @permission_required("stock.read")
    @_errors(*AUTH_ERRORS)
    @bp.arguments(MovementQuerySchema, location="query")
    @bp.response(200, MovementListSchema)
    def get(self, args):
        """The ledger, newest first, filtered by item, lot, location, kind, crisis or professional."""
        limit, offset = args.pop("limit"), args.pop("offset")
        rows, total = query.movements(args, limit=limit, offset=offset)
        return {"items": rows, "total": total}

    @permission_required("stock.distribute")
    @_errors(*AUTH_ERRORS, 409)
    @bp.arguments(MovementCreateSchema)
    @bp.response(201, MovementSchema)
    def post(self, data):
        """Record a movement. The cellule de crise may distribute; other kinds need stock.manage.

        A distribution or a write-off beyond the lot's quantity is refused with 409 ``insufficient_stock``.
        """
        kind = MovementKind(data.pop("kind"))
        actor = require("stock.distribute" if kind is MovementKind.DISTRIBUTION else "stock.manage")
        return services.record_movement(actor=actor, kind=kind, **data)
