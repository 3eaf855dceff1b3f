"""Access checks that every view and endpoint goes through.

``permission_required`` guards a view or an endpoint: an anonymous visitor is sent to the login page
(pages) or gets 401 (API); a signed-in user whose role lacks the permission gets 403.
``get_for_user`` loads an object or answers 404, then checks the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, g, request
from flask_login import current_user

from crisis_app.core.api import is_api_request
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.extensions import csrf, login_manager
from crisis_app.core.models import User

F = TypeVar("F", bound=Callable)
T = TypeVar("T")

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def permission_required(permission: str) -> Callable[[F], F]:
    """Refuse the request unless the current user's role holds ``permission``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args, **kwargs):
            require(permission)
            return view(*args, **kwargs)

        wrapper.vigie_permission = permission  # read by the test that checks every route is guarded
        return wrapper  # type: ignore[return-value]

    return decorator


def require(permission: str) -> User:
    """The current user if their role holds ``permission``; otherwise 401/redirect or 403."""
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)
        abort(login_manager.unauthorized())
    if not current_user.may(permission):
        abort(403)
    return current_user._get_current_object()


def may_open(endpoint: str) -> bool:
    """Whether the current user may open the page ``endpoint`` (its declared permission): a link to a page the
    reader would be refused is not shown (an action's source page, from another mission)."""
    from flask import current_app

    view = current_app.view_functions.get(endpoint)
    if view is None or not hasattr(view, "vigie_permission"):
        return False
    permission = view.vigie_permission
    return permission is None or (current_user.is_authenticated and current_user.may(permission))


def public(view: F) -> F:
    """Mark a view as reachable without login (login page, health check, answer links)."""
    view.vigie_permission = None
    return view


def get_for_user(model: type[T], object_id: int, permission: str) -> T:
    """The object if it exists and the user may act on it; 403 before 404 so ids do not leak."""
    require(permission)
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


@login_manager.user_loader
def _load_session_user(user_id: str) -> User | None:
    # An API call that names a token is judged on that token alone, never on a cookie beside it.
    if is_api_request() and "Authorization" in request.headers:
        return None
    return auth_services.user_for_session(user_id)


@login_manager.request_loader
def _load_token_user(req) -> User | None:
    if not is_api_request():
        return None
    token = _bearer_token()
    if token is None:
        return None
    user = auth_services.user_for_token(token)
    g.vigie_token_auth = user is not None
    return user


def check_access() -> None:
    """Before anything reads the body: the declared permission of the view is checked first, so an anonymous or
    unauthorised request gets its 401/redirect/403 and never a 400 or 422 that says something about its content.
    The view's own guard checks again (a view may require more, e.g. ``require("users.manage")`` on POST)."""
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    permission = _declared_permission(view, request.method) if view is not None else None
    if permission is not None:
        require(permission)


def _declared_permission(view, method: str) -> str | None:
    """The permission a view (or a flask-smorest MethodView's method) declares; None for a public one."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # flask-smorest MethodView: the guard sits on the method
        view = getattr(view_class, method.lower(), None)
    return getattr(view, "vigie_permission", None)


def protect_csrf() -> None:
    """CSRF on every unsafe request, except API calls authenticated by a bearer token.

    A browser cannot attach an Authorization header cross-site without a CORS preflight we never
    grant, so a token-carrying call cannot be forged; a cookie-carrying one can, and is checked.
    Pages are always checked, the login form included (login CSRF).
    """
    if request.method not in UNSAFE_METHODS:
        return
    if is_api_request() and ("Authorization" in request.headers or not current_user.is_authenticated):
        return  # a token call, or an anonymous one that the endpoint answers with 401
    csrf.protect()
