"""Crises API: open, change level, close; the journal de bord; the retour d'expérience and its sending."""

from __future__ import annotations

from functools import partial

from flask import abort, request
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import ValidationError

from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.errors import ServiceError
from crisis_app.crises import alert_link, journal, retex, services
from crisis_app.crises.models import Crisis
from crisis_app.crises.schemas import (
    MAX_ID,
    CloseSchema,
    CrisisCreateSchema,
    CrisisListSchema,
    CrisisSchema,
    CurrentListSchema,
    EvaluationInputSchema,
    EvaluationSchema,
    EvaluationSendSchema,
    JournalEntrySchema,
    JournalInputSchema,
    JournalListSchema,
    JournalQuerySchema,
    LevelSchema,
)
from crisis_app.directory.professionals import services as directory_services

bp = Blueprint("api_crises", __name__, url_prefix="/api/v1/crises",
               description="Crises sanitaires : ouverture, niveaux, clôture, journal de bord, retour d'expérience")
AUTH = (401, 403)
_errors = partial(error_responses, bp)


def _actor():
    return current_user._get_current_object()


def _crisis(crisis_id: int, permission: str) -> Crisis:
    if crisis_id > MAX_ID:
        abort(404)
    return get_for_user(Crisis, crisis_id, permission)


@bp.route("")
class Crises(MethodView):
    @permission_required("crisis.read")
    @_errors(*AUTH)
    @bp.response(200, CrisisListSchema)
    def get(self):
        """Crises and exercises, open ones first."""
        rows = services.list_crises()
        return {"items": rows, "total": len(rows)}

    @permission_required("crisis.manage")
    @_errors(*AUTH)
    @bp.arguments(CrisisCreateSchema)
    @bp.response(201, CrisisSchema)
    def post(self, data):
        """Open a crisis (or an exercise) after the authorities qualified it (référent)."""
        return services.open_crisis(actor=_actor(), **data)


@bp.route("/current")
class Current(MethodView):
    @permission_required("crisis.status")
    @_errors(401)
    @bp.response(200, CurrentListSchema)
    def get(self):
        """Whether a crisis (or an exercise) is on, and what the caller was asked during it (every role)."""
        person = directory_services.professional_for_user(_actor())
        items = []
        for crisis in services.open_crises():
            if crisis is not None:
                items.append({"id": crisis.id, "title": crisis.title, "typology_label": crisis.typology_label,
                              "gradation": crisis.gradation, "gradation_label": crisis.gradation_label,
                              "is_exercise": crisis.is_exercise, "opened_at": crisis.opened_at,
                              "asked": alert_link.asked_of(person.id, crisis.id) if person else []})
        return {"items": items, "total": len(items)}


@bp.route("/<int:crisis_id>")
class CrisisItem(MethodView):
    @permission_required("crisis.read")
    @_errors(*AUTH, 404)
    @bp.response(200, CrisisSchema)
    def get(self, crisis_id: int):
        return _crisis(crisis_id, "crisis.read")


@bp.route("/<int:crisis_id>/level")
class Level(MethodView):
    @permission_required("crisis.manage")
    @_errors(*AUTH, 404, 409)
    @bp.arguments(LevelSchema)
    @bp.response(200, CrisisSchema)
    def post(self, data, crisis_id: int):
        """Change the gradation (0 veille, 1, 2) with its reason; 409 on a closed crisis or the same level."""
        return services.change_level(actor=_actor(), crisis=_crisis(crisis_id, "crisis.manage"), **data)


@bp.route("/<int:crisis_id>/close")
class Close(MethodView):
    @permission_required("crisis.manage")
    @_errors(*AUTH, 404, 409)
    @bp.arguments(CloseSchema)
    @bp.response(200, CrisisSchema)
    def post(self, data, crisis_id: int):
        """Close the crisis with its reason; 409 when it is already closed."""
        return services.close_crisis(actor=_actor(), crisis=_crisis(crisis_id, "crisis.manage"), **data)


@bp.route("/<int:crisis_id>/journal")
class Journal(MethodView):
    @permission_required("crisis.read")
    @_errors(*AUTH, 404)
    @bp.arguments(JournalQuerySchema, location="query")
    @bp.response(200, JournalListSchema)
    def get(self, args, crisis_id: int):
        """The journal in chain order, from ``after`` (a sequence number) on."""
        rows = journal.entries(_crisis(crisis_id, "crisis.read"), after_seq=args["after"], limit=args["limit"])
        return {"items": rows, "total": len(rows)}

    @permission_required("crisis.journal.write")
    @_errors(*AUTH, 404, 409)
    @bp.arguments(JournalInputSchema)
    @bp.response(201, JournalEntrySchema)
    def post(self, data, crisis_id: int):
        """Write an entry (référent, cellule); a correction names the entry it corrects in ``corrects``."""
        return journal.write(actor=_actor(), crisis=_crisis(crisis_id, "crisis.journal.write"), kind=data["kind"],
                             text=data["text"], corrects_id=data["corrects"])


@bp.route("/<int:crisis_id>/evaluation")
class EvaluationItem(MethodView):
    @permission_required("crisis.evaluation.read")
    @_errors(*AUTH, 404)
    @bp.response(200, EvaluationSchema)
    def get(self, crisis_id: int):
        """The retour d'expérience, pre-filled with the figures Vigie holds (ARS observer included)."""
        return retex.evaluation_of(_crisis(crisis_id, "crisis.evaluation.read"))

    @permission_required("crisis.manage")
    @_errors(*AUTH, 404, 409)
    @bp.arguments(EvaluationInputSchema)
    @bp.response(200, EvaluationSchema)
    def put(self, data, crisis_id: int):
        """Write the draft: what worked, what did not, the actions decided; 409 once validated."""
        return retex.save(actor=_actor(), crisis=_crisis(crisis_id, "crisis.manage"), **data)


@bp.route("/<int:crisis_id>/evaluation/validate")
class EvaluationValidate(MethodView):
    @permission_required("crisis.manage")
    @_errors(*AUTH, 404, 409)
    @bp.response(200, EvaluationSchema)
    def post(self, crisis_id: int):
        """The référent validates the evaluation of a closed crisis: its figures are frozen."""
        return retex.validate(actor=_actor(), crisis=_crisis(crisis_id, "crisis.manage"))


def _send_body() -> dict:
    """The optional body of a send: absent or empty means the plan in force's recipients."""
    if not request.get_data():
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ServiceError("validation_error", "Corps de requête invalide : envoyez un objet JSON.", field="json")
    try:
        return EvaluationSendSchema().load(body)
    except ValidationError as exc:
        raise ServiceError("validation_error", "Destinataires invalides : rien n'est envoyé.",
                           fields={k: v if isinstance(v, list) else [str(v)] for k, v in exc.messages.items()}) \
            from None


@bp.route("/<int:crisis_id>/evaluation/send")
class EvaluationSend(MethodView):
    @permission_required("crisis.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.response(200, EvaluationSchema)
    def post(self, crisis_id: int):
        """Send the validated evaluation by e-mail, PDF attached, through the outbox: to the contacts given in an
        optional JSON body (``EvaluationSendSchema``), else to those of the organisations the plan in force names;
        plus any extra address."""
        data = _send_body()
        return retex.send(actor=_actor(), crisis=_crisis(crisis_id, "crisis.manage"),
                          contact_ids=data.get("contact_ids"), extra_emails=data.get("extra_emails") or [])
