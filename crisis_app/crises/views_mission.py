"""The mission indicators page and API. They keep the plan's addresses and endpoint names (``/plan/indicateurs``,
``plan.mission_indicators``; ``/api/v1/plans/indicators``) but are served from crises, because their figures read
the crises' tables too (``crisis_app.crises.mission``) and the plan, below crises, may not."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint

from crisis_app.core.access import permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.db import utcnow
from crisis_app.core.timez import to_paris
from crisis_app.crises import mission
from crisis_app.plan.schemas import IndicatorsQuerySchema, IndicatorsSchema

PAGE_URL, PAGE_ENDPOINT = "/plan/indicateurs", "plan.mission_indicators"

api_bp = Blueprint("api_mission", __name__, url_prefix="/api/v1/plans",
                   description="Indicateurs de la mission crise sanitaire : plan, actions, exercices, évaluations")


@permission_required("plan.read")
def mission_indicators():
    year = min(max(request.args.get("annee", type=int) or to_paris(utcnow()).year, 2000), 2200)
    return render_template("plan/mission_indicators.html", figures=mission.for_year(year), year=year)


@api_bp.route("/indicators")
class Indicators(MethodView):
    @permission_required("plan.read")
    @error_responses(api_bp, 401, 403)
    @api_bp.arguments(IndicatorsQuerySchema, location="query")
    @api_bp.response(200, IndicatorsSchema)
    def get(self, args):
        """The mission's indicators for a year (this year by default)."""
        return mission.for_year(args.get("year") or utcnow().year)


def register(app: Flask, api) -> None:
    """Serve the page under the plan's endpoint name (templates link to it) and the API beside the plan's."""
    app.add_url_rule(PAGE_URL, endpoint=PAGE_ENDPOINT, view_func=mission_indicators)
    api.register_blueprint(api_bp)
