"""Directory API of partner organisations and their contacts."""

from __future__ import annotations

from flask.views import MethodView

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.directory.api import AUTH_ERRORS, actor, bp, errors
from crisis_app.directory.organisations import services as organisations
from crisis_app.directory.organisations.models import Organisation
from crisis_app.directory.organisations.schemas import (
    OrganisationListSchema,
    OrganisationQuerySchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
)


@bp.route("/organisations")
class Organisations(MethodView):
    @permission_required("directory.read")
    @errors(*AUTH_ERRORS)
    @bp.arguments(OrganisationQuerySchema, location="query")
    @bp.response(200, OrganisationListSchema)
    def get(self, args):
        """Partner organisations and external recipients, with their contacts."""
        items = organisations.list_organisations(include_inactive=args["include_inactive"])
        return {"items": items, "total": len(items)}

    @permission_required("organisation.manage")
    @errors(*AUTH_ERRORS, 409, 422)
    @bp.arguments(OrganisationSchema)
    @bp.response(201, OrganisationSchema)
    def post(self, data):
        """Add a partner organisation with its contacts (coordinator)."""
        return organisations.create_organisation(actor=actor(), data=data)


@bp.route("/organisations/<int:organisation_id>")
class OrganisationItem(MethodView):
    @permission_required("directory.read")
    @errors(*AUTH_ERRORS, 404)
    @bp.response(200, OrganisationSchema)
    def get(self, organisation_id: int):
        """One organisation with its contacts."""
        return get_for_user(Organisation, organisation_id, "directory.read")

    @permission_required("organisation.manage")
    @errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(OrganisationUpdateSchema)
    @bp.response(200, OrganisationSchema)
    def patch(self, data, organisation_id: int):
        """Change an organisation; ``contacts`` replaces the list; ``active: false`` deactivates it (coordinator)."""
        organisation = get_for_user(Organisation, organisation_id, "organisation.manage")
        return organisations.update_organisation(actor=actor(), organisation=organisation, data=data)
