"""Directory API of professionals and their consents."""

from __future__ import annotations

from flask.views import MethodView

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.directory.api import AUTH_ERRORS, actor, bp, errors
from crisis_app.directory.professionals import query, services
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.professionals.schemas import (
    ConsentInputSchema,
    ProfessionalInputSchema,
    ProfessionalPageSchema,
    ProfessionalPatchSchema,
    ProfessionalSchema,
)
from crisis_app.directory.schemas import PageQuerySchema


@bp.route("/professionals")
class Professionals(MethodView):
    @permission_required("directory.read")
    @errors(*AUTH_ERRORS)
    @bp.arguments(PageQuerySchema, location="query")
    @bp.response(200, ProfessionalPageSchema)
    def get(self, args):
        """Professionals matching the filters, by name, with the reach of the whole filter."""
        limit, offset = args.pop("limit"), args.pop("offset")
        items, total = query.search(args, limit=limit, offset=offset)
        return {"items": items, "total": total, "reach": query.reach_of(query.filter_statement(args))}

    @permission_required("directory.manage")
    @errors(*AUTH_ERRORS, 409, 422)
    @bp.arguments(ProfessionalInputSchema)
    @bp.response(201, ProfessionalSchema)
    def post(self, data):
        """Add a professional (coordinator); 409 when the RPPS or ADELI is already in the directory."""
        return services.create_professional(actor=actor(), data=data)


@bp.route("/professionals/<int:professional_id>")
class ProfessionalItem(MethodView):
    @permission_required("directory.read")
    @errors(*AUTH_ERRORS, 404)
    @bp.response(200, ProfessionalSchema)
    def get(self, professional_id: int):
        """One professional."""
        return get_for_user(Professional, professional_id, "directory.read")

    @permission_required("directory.manage")
    @errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(ProfessionalPatchSchema)
    @bp.response(200, ProfessionalSchema)
    def patch(self, data, professional_id: int):
        """Change some fields of a professional (coordinator); absent fields are kept."""
        professional = get_for_user(Professional, professional_id, "directory.manage")
        return services.update_professional(actor=actor(), professional=professional, data=data)


@bp.route("/professionals/<int:professional_id>/deactivate")
class ProfessionalDeactivate(MethodView):
    @permission_required("directory.manage")
    @errors(*AUTH_ERRORS, 404)
    @bp.response(200, ProfessionalSchema)
    def post(self, professional_id: int):
        """Deactivate a professional: they leave every audience at once (coordinator)."""
        professional = get_for_user(Professional, professional_id, "directory.manage")
        return services.set_active(actor=actor(), professional=professional, active=False)


@bp.route("/professionals/<int:professional_id>/consents")
class ProfessionalConsents(MethodView):
    @permission_required("directory.manage")
    @errors(*AUTH_ERRORS, 404, 422)
    @bp.arguments(ConsentInputSchema)
    @bp.response(200, ProfessionalSchema)
    def post(self, data, professional_id: int):
        """Record a consent to alerts on a channel, or its withdrawal, in force at once (coordinator)."""
        professional = get_for_user(Professional, professional_id, "directory.manage")
        services.set_consent(actor=actor(), professional=professional, **data)
        return professional
