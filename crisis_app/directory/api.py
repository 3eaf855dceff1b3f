"""Directory API blueprint, shared by its resources: the ``api`` modules of professionals, audiences, organisations.

Each resource module attaches its routes to ``bp``; the directory's ``init_app`` imports them before
registering the blueprint.
"""

from __future__ import annotations

from functools import partial

from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.core.api import error_responses

bp = Blueprint("api_directory", __name__, url_prefix="/api/v1",
               description="Annuaire : professionnels, consentements, audiences et organisations partenaires")

AUTH_ERRORS = (401, 403)

errors = partial(error_responses, bp)


def actor():
    """The signed-in user (session or bearer token), as the services want it."""
    return current_user._get_current_object()
