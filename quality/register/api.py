"""Adverse-event API: declare (named or anonymous), read one's own or, for referents, the register; transitions."""

from __future__ import annotations

from functools import partial

from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.core.access import permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.errors import ServiceError
from quality.register import declaring, query, services
from quality.register.schemas import (
    AdverseEventCreatedSchema,
    AdverseEventCreateSchema,
    AdverseEventListSchema,
    AdverseEventQuerySchema,
    AdverseEventSchema,
    TransitionSchema,
)

bp = Blueprint("api_quality", __name__, url_prefix="/api/v1/adverse-events",
               description="Événements indésirables associés aux soins (EIAS) : déclaration, registre, tri")
_errors = partial(error_responses, bp)
AUTH_ERRORS = (401, 403)


def _user():
    return current_user._get_current_object()


@bp.route("")
class AdverseEvents(MethodView):
    @permission_required("quality.declare")
    @_errors(*AUTH_ERRORS, 422)
    @bp.arguments(AdverseEventCreateSchema)
    @bp.response(201, AdverseEventCreatedSchema)
    def post(self, data):
        """Declare an event. Anonymous: nothing identifies the author; the answer holds the secret follow-up link.

        A free text holding patient data (NIR, phone, e-mail, date of birth) answers 422 naming the field and what
        was found; nothing is stored.
        """
        anonymous = data.pop("anonymous")
        declared = declaring.declare(actor=None if anonymous else _user(), anonymous=anonymous, data=data)
        link = (url_for("quality_public.follow_up", secret=declared.follow_up_secret, _external=True)
                if declared.follow_up_secret else None)
        event = declared.event
        return {"id": event.id, "reference": event.reference, "state": event.state.value, "follow_up_url": link}

    @permission_required("quality.declare")
    @_errors(*AUTH_ERRORS)
    @bp.arguments(AdverseEventQuerySchema, location="query")
    @bp.response(200, AdverseEventListSchema)
    def get(self, args):
        """Quality referents: the register with its filters. Others: their own named declarations."""
        limit, offset = args.pop("limit"), args.pop("offset")
        if not query.may_manage(_user()):
            args["declarer_user_id"] = _user().id
        rows, total = query.register_slice(args, zones=services.zones(), limit=limit, offset=offset)
        return {"items": rows, "total": total}


@bp.route("/<int:event_id>")
class AdverseEventResource(MethodView):
    @permission_required("quality.declare")
    @_errors(*AUTH_ERRORS, 404)
    @bp.response(200, AdverseEventSchema)
    def get(self, event_id: int):
        """One event: any for a quality referent; otherwise only one's own named declaration (else 404)."""
        return query.get_event_for_user(_user(), event_id)


@bp.route("/<int:event_id>/transition")
class AdverseEventTransition(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH_ERRORS, 404, 409, 422)
    @bp.arguments(TransitionSchema)
    @bp.response(200, AdverseEventSchema)
    def post(self, data, event_id: int):
        """Move the event (quality referents). An invalid transition answers 409 and changes nothing.

        With ``severity`` and ``likelihood``, an event still to triage is re-rated and decided in one call.
        """
        event = query.get_event_for_user(_user(), event_id)
        if "severity" in data or "likelihood" in data:
            if "severity" not in data or "likelihood" not in data:
                raise ServiceError("validation_error", "Coter la gravité et la vraisemblance ensemble.",
                                   field="likelihood" if "severity" in data else "severity")
            return services.triage(actor=_user(), event=event, decision=data.pop("to"), **data)
        return services.transition(actor=_user(), event=event, **data)
