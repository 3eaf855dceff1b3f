"""Indicators API: the year's figures. The coordinator, the quality referents and the ARS observer read them."""

from __future__ import annotations

from flask.views import MethodView

from crisis_app.core.access import permission_required
from crisis_app.core.db import utcnow
from quality.blueprints import AUTH, api_errors
from quality.blueprints import programme_api_bp as bp
from quality.indicators import schemas as s
from quality.indicators import services as indicators


@bp.route("/indicators")
class Indicators(MethodView):
    @permission_required("quality.indicators.read")
    @api_errors(*AUTH)
    @bp.arguments(s.QualityIndicatorQuerySchema, location="query")
    @bp.response(200, s.QualityIndicatorsSchema)
    def get(self, args):
        """The year's figures (default: this year): the three contract indicators, series, own indicators."""
        return indicators.compute(args.get("year") or utcnow().year)
