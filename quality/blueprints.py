"""The programme's blueprints, defined once, and what every programme page shares.

Sessions, analyses' actions, indicators and the action follow-up add their routes to these blueprints, so the
endpoint names templates use (``quality_programme.session_page``…) and the URLs stay put whichever sub-package
serves them. The register's and the analyses' blueprints are each used by one module and live there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Blueprint, abort, request
from flask_login import current_user
from flask_smorest import Blueprint as ApiBlueprint

from crisis_app.core.api import error_responses
from crisis_app.core.outcome import act_and_go_back
from quality.register.forms import ConfirmForm

programme_bp = Blueprint("quality_programme", __name__, url_prefix="/qualite")
admin_bp = Blueprint("quality_admin", __name__, url_prefix="/qualite")
programme_api_bp = ApiBlueprint("api_quality_programme", __name__, url_prefix="/api/v1/quality",
                                description="Qualité : séances CREX/RMM/patient traceur, analyses, actions, "
                                            "indicateurs")
api_errors = partial(error_responses, programme_api_bp)
AUTH = (401, 403)


def actor():
    """The signed-in user (the object, not the proxy)."""
    return current_user._get_current_object()


def form_ints(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


def run_and_go_back(call: Callable, success: str, back: str):
    """Check the CSRF token, call the service, flash its outcome, go back (a refusal drops what it wrote)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act_and_go_back(call, success, back)
