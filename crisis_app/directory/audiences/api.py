"""Directory API of audiences: saved filters and fixed lists, resolved when an alert is sent."""

from __future__ import annotations

from flask.views import MethodView

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.directory.api import AUTH_ERRORS, actor, bp, errors
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.audiences.schemas import AudienceInputSchema, AudienceListSchema, AudienceSchema


@bp.route("/audiences")
class Audiences(MethodView):
    @permission_required("directory.read")
    @errors(*AUTH_ERRORS)
    @bp.response(200, AudienceListSchema)
    def get(self):
        """Every audience with its reach today."""
        items = audiences.list_audiences()
        return {"items": items, "total": len(items)}

    @permission_required("audience.manage")
    @errors(*AUTH_ERRORS, 409, 422)
    @bp.arguments(AudienceInputSchema)
    @bp.response(201, AudienceSchema)
    def post(self, data):
        """Save a filter (kind ``filter``, resolved at send time) or a fixed list (kind ``list``)."""
        return audiences.save_audience(actor=actor(), data=data)


@bp.route("/audiences/<int:audience_id>")
class AudienceItem(MethodView):
    @permission_required("directory.read")
    @errors(*AUTH_ERRORS, 404)
    @bp.response(200, AudienceSchema)
    def get(self, audience_id: int):
        """One audience with its reach today."""
        return get_for_user(Audience, audience_id, "directory.read")

    @permission_required("audience.manage")
    @errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(AudienceInputSchema)
    @bp.response(200, AudienceSchema)
    def put(self, data, audience_id: int):
        """Replace an audience's definition."""
        audience = get_for_user(Audience, audience_id, "audience.manage")
        return audiences.save_audience(actor=actor(), data=data, audience=audience)

    @permission_required("audience.manage")
    @errors(*AUTH_ERRORS, 404)
    @bp.response(204)
    def delete(self, audience_id: int):
        """Delete an audience."""
        audiences.delete_audience(actor=actor(), audience=get_for_user(Audience, audience_id, "audience.manage"))
