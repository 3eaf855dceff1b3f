"""Recurring sessions API: plan a series (an RRULE, or the form's words), read it with its occurrences, send its
invitation. Its occurrences are ordinary sessions: moved or cancelled through ``/sessions/<id>``."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView

from crisis_app.core.access import permission_required
from crisis_app.core.db import db
from quality.blueprints import AUTH, actor, api_errors
from quality.blueprints import programme_api_bp as bp
from quality.sessions import series
from quality.sessions import series_schemas as s
from quality.sessions.models import SessionSeries


def _series(series_id: int) -> SessionSeries:
    found = db.session.get(SessionSeries, series_id) if 0 < series_id < 2**31 else None
    return found or abort(404)


def _dump(found: SessionSeries) -> dict:
    return {"series": found, "rule_text": series.describe(found), "occurrences": series.upcoming(found)}


@bp.route("/sessions/series")
class SeriesCollection(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 422)
    @bp.arguments(s.SeriesCreateSchema)
    @bp.response(201, s.SeriesSchema)
    def post(self, data):
        """Plan a series and its occurrences six months ahead; ``invite: true`` sends one .ics with its RRULE."""
        invite = data.pop("invite")
        return _dump(series.create(actor=actor(), data=data, invite=invite))


@bp.route("/sessions/series/<int:series_id>")
class SeriesResource(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404)
    @bp.response(200, s.SeriesSchema)
    def get(self, series_id: int):
        """The series, its rule in words and its occurrences (each a session)."""
        return _dump(_series(series_id))


@bp.route("/sessions/series/<int:series_id>/invite")
class SeriesInvite(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404)
    @bp.response(200, s.SeriesSchema)
    def post(self, series_id: int):
        """Send (again) the series' .ics: RRULE, EXDATE of the cancelled, RECURRENCE-ID of the moved."""
        return _dump(series.invite(actor=actor(), series=_series(series_id)))
