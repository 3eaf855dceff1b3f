"""Directory API: professionals, their consents, audiences and partner organisations."""

from __future__ import annotations

from functools import partial

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.api import error_responses
from crisis_app.directory import audiences, organisations, query, services
from crisis_app.directory.models import Audience, Organisation, Professional
from crisis_app.directory.schemas import (
    AudienceInputSchema,
    AudienceListSchema,
    AudienceSchema,
    ConsentInputSchema,
    OrganisationListSchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
    PageQuerySchema,
    ProfessionalInputSchema,
    ProfessionalPageSchema,
    ProfessionalPatchSchema,
    ProfessionalSchema,
)

bp = Blueprint("api_directory", __name__, url_prefix="/api/v1",
               description="Annuaire : professionnels, consentements, audiences et organisations partenaires")

AUTH_ERRORS = (401, 403)


_errors = partial(error_responses, bp)


def _actor():
    return current_user._get_current_object()


@bp.route("/professionals")
class Professionals(MethodView):
    @permission_required("directory.read")
    @_errors(*AUTH_ERRORS)
    @bp.arguments(PageQuerySchema, location="query")
    @bp.response(200, ProfessionalPageSchema)
    def get(self, args):
        """Professionals matching the filters, by name, with the reach of the whole filter."""
        limit, offset = args.pop("limit"), args.pop("offset")
        items, total = query.search(args, limit=limit, offset=offset)
        return {"items": items, "total": total, "reach": query.reach_of(query.filter_statement(args))}

    @permission_required("directory.manage")
    @_errors(*AUTH_ERRORS, 409, 422)
    @bp.arguments(ProfessionalInputSchema)
    @bp.response(201, ProfessionalSchema)
    def post(self, data):
        """Add a professional (coordinator); 409 when the RPPS or ADELI is already in the directory."""
        return services.create_professional(actor=_actor(), data=data)


@bp.route("/professionals/<int:professional_id>")
class ProfessionalItem(MethodView):
    @permission_required("directory.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, ProfessionalSchema)
    def get(self, professional_id: int):
        """One professional."""
        return get_for_user(Professional, professional_id, "directory.read")

    @permission_required("directory.manage")
    @_errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(ProfessionalPatchSchema)
    @bp.response(200, ProfessionalSchema)
    def patch(self, data, professional_id: int):
        """Change some fields of a professional (coordinator); absent fields are kept."""
        professional = get_for_user(Professional, professional_id, "directory.manage")
        return services.update_professional(actor=_actor(), professional=professional, data=data)


@bp.route("/professionals/<int:professional_id>/deactivate")
class ProfessionalDeactivate(MethodView):
    @permission_required("directory.manage")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, ProfessionalSchema)
    def post(self, professional_id: int):
        """Deactivate a professional: they leave every audience at once (coordinator)."""
        professional = get_for_user(Professional, professional_id, "directory.manage")
        return services.set_active(actor=_actor(), professional=professional, active=False)


@bp.route("/professionals/<int:professional_id>/consents")
class ProfessionalConsents(MethodView):
    @permission_required("directory.manage")
    @_errors(*AUTH_ERRORS, 404, 422)
    @bp.arguments(ConsentInputSchema)
    @bp.response(200, ProfessionalSchema)
    def post(self, data, professional_id: int):
        """Record a consent to alerts on a channel, or its withdrawal, in force at once (coordinator)."""
        professional = get_for_user(Professional, professional_id, "directory.manage")
        services.set_consent(actor=_actor(), professional=professional, **data)
        return professional


@bp.route("/audiences")
class Audiences(MethodView):
    @permission_required("directory.read")
    @_errors(*AUTH_ERRORS)
    @bp.response(200, AudienceListSchema)
    def get(self):
        """Every audience with its reach today."""
        items = audiences.list_audiences()
        return {"items": items, "total": len(items)}

    @permission_required("audience.manage")
    @_errors(*AUTH_ERRORS, 409, 422)
    @bp.arguments(AudienceInputSchema)
    @bp.response(201, AudienceSchema)
    def post(self, data):
        """Save a filter (kind ``filter``, resolved at send time) or a fixed list (kind ``list``)."""
        return audiences.save_audience(actor=_actor(), data=data)


@bp.route("/audiences/<int:audience_id>")
class AudienceItem(MethodView):
    @permission_required("directory.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, AudienceSchema)
    def get(self, audience_id: int):
        """One audience with its reach today."""
        return get_for_user(Audience, audience_id, "directory.read")

    @permission_required("audience.manage")
    @_errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(AudienceInputSchema)
    @bp.response(200, AudienceSchema)
    def put(self, data, audience_id: int):
        """Replace an audience's definition."""
        audience = get_for_user(Audience, audience_id, "audience.manage")
        return audiences.save_audience(actor=_actor(), data=data, audience=audience)

    @permission_required("audience.manage")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(204)
    def delete(self, audience_id: int):
        """Delete an audience."""
        audiences.delete_audience(actor=_actor(), audience=get_for_user(Audience, audience_id, "audience.manage"))


class OrganisationQuerySchema(Schema):
    include_inactive = fields.Boolean(load_default=False)


@bp.route("/organisations")
class Organisations(MethodView):
    @permission_required("directory.read")
    @_errors(*AUTH_ERRORS)
    @bp.arguments(OrganisationQuerySchema, location="query")
    @bp.response(200, OrganisationListSchema)
    def get(self, args):
        """Partner organisations and external recipients, with their contacts."""
        items = organisations.list_organisations(include_inactive=args["include_inactive"])
        return {"items": items, "total": len(items)}

    @permission_required("organisation.manage")
    @_errors(*AUTH_ERRORS, 409, 422)
    @bp.arguments(OrganisationSchema)
    @bp.response(201, OrganisationSchema)
    def post(self, data):
        """Add a partner organisation with its contacts (coordinator)."""
        return organisations.create_organisation(actor=_actor(), data=data)


@bp.route("/organisations/<int:organisation_id>")
class OrganisationItem(MethodView):
    @permission_required("directory.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, OrganisationSchema)
    def get(self, organisation_id: int):
        """One organisation with its contacts."""
        return get_for_user(Organisation, organisation_id, "directory.read")

    @permission_required("organisation.manage")
    @_errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(OrganisationUpdateSchema)
    @bp.response(200, OrganisationSchema)
    def patch(self, data, organisation_id: int):
        """Change an organisation; ``contacts`` replaces the list; ``active: false`` deactivates it (coordinator)."""
        organisation = get_for_user(Organisation, organisation_id, "organisation.manage")
        return organisations.update_organisation(actor=_actor(), organisation=organisation, data=data)
