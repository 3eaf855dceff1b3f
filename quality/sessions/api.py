"""Sessions, analyses, actions and indicators API. Referents write; a participant reads their sessions; the
coordinator and the ARS observer read the indicators only."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
from flask import Response
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema

from crisis_app.core.access import permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from quality import actions, analyses, indicators, minutes, programme_access, sessions, traceur
from quality import schemas_programme as s
from quality.models_actions import Analysis, CorrectiveAction

bp = Blueprint("api_quality_programme", __name__, url_prefix="/api/v1/quality",
               description="Qualité : séances CREX/RMM/patient traceur, analyses, actions, indicateurs")
_errors = partial(error_responses, bp)
AUTH = (401, 403)


def _user():
    return current_user._get_current_object()


@bp.route("/sessions")
class Sessions(MethodView):
    @permission_required("quality.sessions.read")
    @_errors(*AUTH)
    @bp.arguments(s.QualityPageSchema, location="query")
    @bp.response(200, s.QualitySessionListSchema)
    def get(self, args):
        """Quality referents: every session. Others: the sessions they are invited to."""
        rows, total = programme_access.sessions_for_user(_user(), **args)
        return {"items": rows, "total": total}

    @permission_required("quality.manage")
    @_errors(*AUTH, 422)
    @bp.arguments(s.QualitySessionCreateSchema)
    @bp.response(201, s.QualitySessionSchema)
    def post(self, data):
        """Schedule a session; ``invite: true`` sends the invitation (.ics) at once."""
        invite = data.pop("invite")
        return sessions.schedule(actor=_user(), data=data, invite=invite)


@bp.route("/sessions/<int:session_id>")
class SessionResource(MethodView):
    @permission_required("quality.sessions.read")
    @_errors(*AUTH, 404)
    @bp.response(200, s.QualitySessionSchema)
    def get(self, session_id: int):
        return programme_access.get_session_for_user(_user(), session_id)

    @permission_required("quality.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualitySessionUpdateSchema)
    @bp.response(200, s.QualitySessionSchema)
    def patch(self, data, session_id: int):
        """Change a planned session; those invited receive the update (same UID, higher SEQUENCE)."""
        data.pop("invite", None)
        session = programme_access.get_session_for_user(_user(), session_id)
        return sessions.update(actor=_user(), session=session, data=data)


def _session_action(name: str, schema, call, doc: str):
    @permission_required("quality.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(schema)
    @bp.response(200, s.QualitySessionSchema)
    def post(self, data, session_id: int):
        return call(programme_access.get_session_for_user(_user(), session_id), data)

    post.__doc__ = doc
    bp.route(f"/sessions/<int:session_id>/{name}")(type(f"Session_{name}", (MethodView,), {"post": post}))


class _Empty(Schema):
    pass


_session_action("invite", _Empty, lambda ses, d: sessions.invite(actor=_user(), session=ses),
                "Send (or send again, as an update) the invitation with its .ics to every participant.")
_session_action("cancel", s.QualityCancelSchema, lambda ses, d: sessions.cancel(actor=_user(), session=ses, **d),
                "Cancel a planned session; those invited receive METHOD:CANCEL.")
_session_action("attendance", s.QualityAttendanceSchema,
                lambda ses, d: sessions.set_attendance(actor=_user(), session=ses, **d),
                "Record who was present (participant ids); the others are recorded absent.")
_session_action("decisions", s.QualityDecisionSchema,
                lambda ses, d: (sessions.decide(actor=_user(), session=ses, **d), ses)[1],
                "Record the session's decision on one agenda event.")
_session_action("held", s.QualityHoldSchema, lambda ses, d: sessions.hold(actor=_user(), session=ses, **d),
                "Mark the session held, with its summary (attendance must be taken first).")


@bp.route("/sessions/<int:session_id>/traceur")
class SessionTraceur(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityTraceurSchema)
    @bp.response(200, s.QualityTraceurSchema)
    def put(self, data, session_id: int):
        """Record the patient traceur of a patient-traceur session (pseudonymous label, agreement, pathway)."""
        session = programme_access.get_session_for_user(_user(), session_id)
        return traceur.save(actor=_user(), session=session, data=data)


@bp.route("/sessions/<int:session_id>/minutes")
class SessionMinutes(MethodView):
    @permission_required("quality.sessions.read")
    @_errors(*AUTH, 404)
    @bp.response(200, description="Le compte rendu en PDF")
    def get(self, session_id: int):
        """The minutes PDF kept with the session (404 until written)."""
        session = programme_access.get_session_for_user(_user(), session_id)
        if session.minutes_pdf is None:
            raise ServiceError("not_found", "Compte rendu pas encore établi.", status=404)
        return Response(session.minutes_pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="compte-rendu-{session.id}.pdf"'})

    @permission_required("quality.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityMinutesSchema)
    @bp.response(200, s.QualitySessionSchema)
    def post(self, data, session_id: int):
        """Write the minutes of a held session; ``send: true`` e-mails them to the participants."""
        session = programme_access.get_session_for_user(_user(), session_id)
        return minutes.make(actor=_user(), session=session, send=data["send"])


@bp.route("/analyses")
class Analyses(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH)
    @bp.arguments(s.QualityPageSchema, location="query")
    @bp.response(200, s.QualityAnalysisListSchema)
    def get(self, args):
        stmt = sa.select(Analysis).order_by(Analysis.updated_at.desc())
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Analysis))
        return {"items": db.session.scalars(stmt.limit(args["limit"]).offset(args["offset"])).all(), "total": total}

    @permission_required("quality.manage")
    @_errors(*AUTH, 409, 422)
    @bp.arguments(s.QualityAnalysisWriteSchema)
    @bp.response(201, s.QualityAnalysisSchema)
    def post(self, data):
        """Open an analysis of an event (ORION or ALARM)."""
        return analyses.save(actor=_user(), data=data)


@bp.route("/analyses/<int:analysis_id>")
class AnalysisResource(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH, 404)
    @bp.response(200, s.QualityAnalysisSchema)
    def get(self, analysis_id: int):
        return programme_access.get_analysis(analysis_id)

    @permission_required("quality.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityAnalysisWriteSchema)
    @bp.response(200, s.QualityAnalysisSchema)
    def patch(self, data, analysis_id: int):
        """Save the sections written since the last save (the others are kept)."""
        return analyses.save(actor=_user(), analysis=programme_access.get_analysis(analysis_id), data=data)


@bp.route("/analyses/<int:analysis_id>/transition")
class AnalysisTransition(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityAnalysisStepSchema)
    @bp.response(200, s.QualityAnalysisSchema)
    def post(self, data, analysis_id: int):
        """Présentée, then validée by a session (``session_id``)."""
        analysis = programme_access.get_analysis(analysis_id)
        if data["to"] == "presentee":
            return analyses.present(actor=_user(), analysis=analysis)
        if "session_id" not in data:
            raise ServiceError("validation_error", "Indiquez la séance qui valide.", field="session_id")
        session = programme_access.get_session_for_user(_user(), data["session_id"])
        return analyses.validate(actor=_user(), analysis=analysis, session=session)


@bp.route("/actions")
class Actions(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH)
    @bp.arguments(s.QualityActionQuerySchema, location="query")
    @bp.response(200, s.QualityActionListSchema)
    def get(self, args):
        """Every action (events, analyses, patient traceurs, crisis RETEX), by due date."""
        stmt = sa.select(CorrectiveAction)
        for key in ("status", "source_type", "source_id"):
            if key in args:
                stmt = stmt.where(getattr(CorrectiveAction, key) == args[key])
        total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
        rows = db.session.scalars(stmt.order_by(CorrectiveAction.due_on, CorrectiveAction.id)
                                  .limit(args["limit"]).offset(args["offset"])).all()
        return {"items": rows, "total": total}

    @permission_required("quality.manage")
    @_errors(*AUTH, 422)
    @bp.arguments(s.QualityActionCreateSchema)
    @bp.response(201, s.QualityActionSchema)
    def post(self, data):
        return actions.create(actor=_user(), data=data)


@bp.route("/actions/<int:action_id>")
class ActionResource(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH, 404)
    @bp.response(200, s.QualityActionSchema)
    def get(self, action_id: int):
        return programme_access.get_action(action_id)


@bp.route("/actions/<int:action_id>/transition")
class ActionTransition(MethodView):
    @permission_required("quality.manage")
    @_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityActionTransitionSchema)
    @bp.response(200, s.QualityActionSchema)
    def post(self, data, action_id: int):
        """planifiée → en cours → réalisée → efficacité vérifiée | non efficace; 409 and nothing changed
        otherwise."""
        return actions.transition(actor=_user(), action=programme_access.get_action(action_id), **data)


@bp.route("/indicators")
class Indicators(MethodView):
    @permission_required("quality.indicators.read")
    @_errors(*AUTH)
    @bp.arguments(s.QualityIndicatorQuerySchema, location="query")
    @bp.response(200, s.QualityIndicatorsSchema)
    def get(self, args):
        """The year's figures (default: this year): the three contract indicators, series, own indicators."""
        return indicators.compute(args.get("year") or utcnow().year)
