"""The population's information page through the API: read its state, publish or update it, withdraw it."""

from __future__ import annotations

from functools import partial

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.api import error_responses
from crisis_app.crises import public_page
from crisis_app.crises.models import Crisis, PublicPage
from crisis_app.crises.schemas import MAX_ID, PublicPageInputSchema, PublicPageSchema

bp = Blueprint("api_crisis_public_page", __name__, url_prefix="/api/v1/crises",
               description="Page d'information de la population d'une crise")
AUTH = (401, 403)
_errors = partial(error_responses, bp)
PERMISSION = "crisis.manage"


def _crisis(crisis_id: int) -> Crisis:
    if crisis_id > MAX_ID:
        require(PERMISSION)
        abort(404)
    return get_for_user(Crisis, crisis_id, PERMISSION)


def _answer(page: PublicPage) -> PublicPage:
    from crisis_app.crises.views_public import public_url

    page.url = public_url(page)
    return page


def _publish(data: dict, crisis_id: int) -> PublicPage:
    crisis = _crisis(crisis_id)
    return _answer(public_page.publish(actor=current_user._get_current_object(), crisis=crisis, text=data["text"],
                                       places=data.get("places", "")))


@bp.route("/<int:crisis_id>/public-page")
class PublicPageResource(MethodView):
    @permission_required(PERMISSION)
    @_errors(*AUTH, 404)
    @bp.response(200, PublicPageSchema)
    def get(self, crisis_id: int):
        """The page's state and public address (404 when it was never published)."""
        page = public_page.page_of(_crisis(crisis_id))
        if page is None:
            abort(404)
        return _answer(page)

    @permission_required(PERMISSION)
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(PublicPageInputSchema)
    @bp.response(200, PublicPageSchema)
    def put(self, data, crisis_id: int):
        """Publish the page, or update what it says (same address for the whole crisis)."""
        return _publish(data, crisis_id)

    @permission_required(PERMISSION)
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(PublicPageInputSchema)
    @bp.response(200, PublicPageSchema)
    def post(self, data, crisis_id: int):
        """Same as PUT."""
        return _publish(data, crisis_id)

    @permission_required(PERMISSION)
    @_errors(*AUTH, 404, 409)
    @bp.response(200, PublicPageSchema)
    def delete(self, crisis_id: int):
        """Withdraw the page: its public address answers 404 from now on."""
        return _answer(public_page.withdraw(actor=current_user._get_current_object(), crisis=_crisis(crisis_id)))
