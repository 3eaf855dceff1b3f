"""Core API resources: the current user, user accounts, the audit trail."""

from __future__ import annotations

from functools import partial

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.core import audit
from crisis_app.core.access import get_for_user, permission_required, require
from crisis_app.core.api import error_responses
from crisis_app.core.auth import services as auth_services
from crisis_app.core.models import User
from crisis_app.core.schemas import (
    AuditListSchema,
    AuditQuerySchema,
    UserCreateSchema,
    UserListSchema,
    UserSchema,
    UserUpdateSchema,
)

bp = Blueprint("api_core", __name__, url_prefix="/api/v1", description="Compte, utilisateurs et audit")

AUTH_ERRORS = (401, 403)


_errors = partial(error_responses, bp)


@bp.route("/me")
class Me(MethodView):
    @permission_required("profile.view")
    @_errors(401)
    @bp.response(200, UserSchema)
    def get(self):
        """The authenticated user."""
        return current_user


@bp.route("/users")
class Users(MethodView):
    @permission_required("users.read")
    @_errors(*AUTH_ERRORS)
    @bp.response(200, UserListSchema)
    def get(self):
        """All accounts, by role then name (coordinator)."""
        users = auth_services.list_users()
        return {"items": users, "total": len(users)}

    @permission_required("users.manage")
    @_errors(*AUTH_ERRORS, 409)
    @bp.arguments(UserCreateSchema)
    @bp.response(201, UserSchema)
    def post(self, data):
        """Create an account (coordinator)."""
        return auth_services.create_user(actor=current_user._get_current_object(), **data)


@bp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @permission_required("users.read")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, UserSchema)
    def get(self, user_id: int):
        """One account (coordinator)."""
        return get_for_user(User, user_id, "users.read")

    @permission_required("users.manage")
    @_errors(*AUTH_ERRORS, 404, 409)
    @bp.arguments(UserUpdateSchema)
    @bp.response(200, UserSchema)
    def patch(self, data, user_id: int):
        """Change an account's name, role or activity (coordinator)."""
        user = get_for_user(User, user_id, "users.manage")
        return auth_services.update_user(actor=require("users.manage"), user=user, **data)


@bp.route("/audit-events")
class AuditEvents(MethodView):
    @permission_required("audit.read")
    @_errors(*AUTH_ERRORS)
    @bp.arguments(AuditQuerySchema, location="query")
    @bp.response(200, AuditListSchema)
    def get(self, args):
        """The audit trail, newest first, filtered (coordinator)."""
        limit, offset = args.pop("limit"), args.pop("offset")
        events, total = audit.search(audit.AuditFilter(**args), limit=limit, offset=offset)
        return {"items": events, "total": total}
