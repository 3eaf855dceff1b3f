"""Plan API: the versions, one version as JSON or PDF, section edits, validation, publication, next year."""

from __future__ import annotations

from functools import partial

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.api import error_responses
from crisis_app.core.documents import api as documents_api
from crisis_app.core.documents.schemas import DocumentStatusSchema
from crisis_app.plan import comments, diff, services
from crisis_app.plan import documents as plan_documents
from crisis_app.plan.models import PlanVersion
from crisis_app.plan.schemas import (
    MAX_ID,
    CommentCreateSchema,
    CommentSchema,
    DiffQuerySchema,
    DiffSchema,
    MyPartSchema,
    PlanCreateSchema,
    PlanListSchema,
    PlanSchema,
    SectionsUpdateSchema,
    ThreadListSchema,
)

bp = Blueprint("api_plans", __name__, url_prefix="/api/v1/plans",
               description="Plan d'action crise sanitaire : versions annuelles, validation, publication, PDF")
AUTH_ERRORS = (401, 403)
_errors = partial(error_responses, bp)


def _actor():
    return current_user._get_current_object()


def _plan(plan_id: int, permission: str) -> PlanVersion:
    if plan_id > MAX_ID:
        require(permission)  # 403 before 404 for a role that may not
        abort(404)
    return get_for_user(PlanVersion, plan_id, permission)


def _full(plan: PlanVersion) -> PlanVersion:
    plan.missing = [m.as_dict() for m in services.missing_items(plan)] if not plan.is_published else []
    return plan


@bp.route("")
class Plans(MethodView):
    @permission_required("plan.read")
    @_errors(*AUTH_ERRORS)
    @bp.response(200, PlanListSchema)
    def get(self):
        """The versions, newest year first, each with ``id``, ``year`` and ``status``."""
        plans = services.list_plans()
        return {"items": plans, "total": len(plans)}

    @permission_required("plan.edit")
    @_errors(*AUTH_ERRORS, 409)
    @bp.arguments(PlanCreateSchema)
    @bp.response(201, PlanSchema)
    def post(self, data):
        """Start a year's draft: a copy of the latest published version (next year by default)."""
        return _full(services.create_draft(actor=_actor(), year=data.get("year")))


@bp.route("/<int:plan_id>")
class PlanResource(MethodView):
    @permission_required("plan.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, PlanSchema)
    def get(self, plan_id: int):
        """The whole version: its four sections, the figures frozen at publication, what is missing to validate."""
        return _full(_plan(plan_id, "plan.read"))

    @permission_required("plan.edit")
    @_errors(*AUTH_ERRORS, 404, 409)
    @bp.arguments(SectionsUpdateSchema)
    @bp.response(200, PlanSchema)
    def patch(self, data, plan_id: int):
        """Replace the sections given (each as a whole). A published version answers 409 ``published``."""
        return _full(services.update_sections(actor=_actor(), plan=_plan(plan_id, "plan.edit"), data=data))


@bp.route("/<int:plan_id>/validate")
class Validate(MethodView):
    @permission_required("plan.validate")
    @_errors(*AUTH_ERRORS, 404, 409)
    @bp.response(200, PlanSchema)
    def post(self, plan_id: int):
        """The référent validates the version; an incomplete one answers 409 ``incomplete`` listing what is
        missing in ``fields.missing``."""
        return _full(services.validate_plan(actor=_actor(), plan=_plan(plan_id, "plan.validate")))


@bp.route("/<int:plan_id>/publish")
class Publish(MethodView):
    @permission_required("plan.publish")
    @_errors(*AUTH_ERRORS, 404, 409)
    @bp.response(200, PlanSchema)
    def post(self, plan_id: int):
        """Publish a validated version: figures frozen, never changes again."""
        return _full(services.publish_plan(actor=_actor(), plan=_plan(plan_id, "plan.publish")))


@bp.route("/next-year")
class NextYear(MethodView):
    @permission_required("plan.edit")
    @_errors(*AUTH_ERRORS, 409)
    @bp.response(201, PlanSchema)
    def post(self):
        """Start next year's draft as a copy of the latest published version."""
        return _full(services.start_next_year(actor=_actor()))


@bp.route("/<int:plan_id>/pdf")
class PlanPdf(MethodView):
    @permission_required("plan.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, content_type="application/pdf",
                 description="Le plan en PDF (couverture, sommaire, une partie par action)")
    @bp.alt_response(202, schema=DocumentStatusSchema,
                     description="Le PDF se fabrique : suivez /api/v1/documents/<id>, puis son fichier")
    def get(self, plan_id: int):
        """The version as a PDF, suitable for sending to the ARS: the kept one when the version has not changed
        since, else 202 while a worker makes it."""
        plan = _plan(plan_id, "plan.read")
        return documents_api.answer(plan_documents.request_plan(plan, actor=_actor()))


@bp.route("/<int:plan_id>/diff")
class PlanDiff(MethodView):
    @permission_required("plan.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.arguments(DiffQuerySchema, location="query")
    @bp.response(200, DiffSchema)
    def get(self, args, plan_id: int):
        """What changed from version ``against`` to this one, section by section."""
        plan, old = _plan(plan_id, "plan.read"), _plan(args["against"], "plan.read")
        return {"old_id": old.id, "new_id": plan.id, "sections": [s.as_dict() for s in diff.between(old, plan)]}


@bp.route("/<int:plan_id>/comments")
class PlanComments(MethodView):
    @permission_required("plan.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, ThreadListSchema)
    def get(self, plan_id: int):
        """The version's comment threads (each remark with its answers, resolved or not), by section."""
        found = [t.as_dict() for t in comments.threads(_plan(plan_id, "plan.read"))]
        return {"items": found, "total": len(found)}

    @permission_required("plan.comment")
    @_errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(CommentCreateSchema)
    @bp.response(201, CommentSchema)
    def post(self, data, plan_id: int):
        """A remark on a section of a draft (``section``), or an answer in a thread (``thread_id``): observers,
        the référent and the coordinator."""
        comment = comments.add_comment(actor=_actor(), plan=_plan(plan_id, "plan.comment"), text=data["text"],
                                       section=data.get("section"), thread_id=data.get("thread_id"))
        return comments.comment_dict(comment)


@bp.route("/<int:plan_id>/comments/<int:thread_id>/resolve")
class ResolveComment(MethodView):
    @permission_required("plan.comment.resolve")
    @_errors(*AUTH_ERRORS, 404, 409)
    @bp.response(200, CommentSchema)
    def post(self, plan_id: int, thread_id: int):
        """The référent or the coordinator marks a thread resolved."""
        plan = _plan(plan_id, "plan.comment.resolve")
        return comments.comment_dict(comments.resolve(actor=_actor(), plan=plan, thread_id=thread_id))


@bp.route("/mine")
class MyPart(MethodView):
    @permission_required("plan.self")
    @_errors(*AUTH_ERRORS)
    @bp.response(200, MyPartSchema)
    def get(self):
        """What the published plan asks of the signed-in professional: roles, sensibilisations, exercises."""
        return services.my_part(_actor())
