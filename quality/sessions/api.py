"""Sessions API: CREX, RMM and patient-traceur sessions, their invitation, attendance, decisions, patient
traceur and minutes. Referents write; a participant reads their sessions."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from marshmallow import Schema

from crisis_app.core import documents
from crisis_app.core.access import permission_required
from crisis_app.core.documents.models import DocumentStatus
from crisis_app.core.documents.schemas import DocumentStatusSchema
from crisis_app.core.errors import ServiceError
from quality.blueprints import AUTH, actor, api_errors
from quality.blueprints import programme_api_bp as bp
from quality.schemas import QualityPageSchema
from quality.sessions import access as programme_access
from quality.sessions import discussion, minutes, traceur
from quality.sessions import schemas as s
from quality.sessions import services as sessions


@bp.route("/sessions")
class Sessions(MethodView):
    @permission_required("quality.sessions.read")
    @api_errors(*AUTH)
    @bp.arguments(QualityPageSchema, location="query")
    @bp.response(200, s.QualitySessionListSchema)
    def get(self, args):
        """Quality referents: every session. Others: the sessions they are invited to."""
        rows, total = programme_access.sessions_for_user(actor(), **args)
        return {"items": rows, "total": total}

    @permission_required("quality.manage")
    @api_errors(*AUTH, 422)
    @bp.arguments(s.QualitySessionCreateSchema)
    @bp.response(201, s.QualitySessionSchema)
    def post(self, data):
        """Schedule a session; ``invite: true`` sends the invitation (.ics) at once."""
        invite = data.pop("invite")
        return sessions.schedule(actor=actor(), data=data, invite=invite)


@bp.route("/sessions/<int:session_id>")
class SessionResource(MethodView):
    @permission_required("quality.sessions.read")
    @api_errors(*AUTH, 404)
    @bp.response(200, s.QualitySessionSchema)
    def get(self, session_id: int):
        return programme_access.get_session_for_user(actor(), session_id)

    @permission_required("quality.manage")
    @api_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualitySessionUpdateSchema)
    @bp.response(200, s.QualitySessionSchema)
    def patch(self, data, session_id: int):
        """Change a planned session; those invited receive the update (same UID, higher SEQUENCE)."""
        data.pop("invite", None)
        session = programme_access.get_session_for_user(actor(), session_id)
        return sessions.update(actor=actor(), session=session, data=data)


def _session_action(name: str, schema, call, doc: str):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404, 409, 422)
    @bp.arguments(schema)
    @bp.response(200, s.QualitySessionSchema)
    def post(self, data, session_id: int):
        return call(programme_access.get_session_for_user(actor(), session_id), data)

    post.__doc__ = doc
    bp.route(f"/sessions/<int:session_id>/{name}")(type(f"Session_{name}", (MethodView,), {"post": post}))


class _Empty(Schema):
    pass


_session_action("invite", _Empty, lambda ses, d: sessions.invite(actor=actor(), session=ses),
                "Send (or send again, as an update) the invitation with its .ics to every participant.")
_session_action("cancel", s.QualityCancelSchema, lambda ses, d: sessions.cancel(actor=actor(), session=ses, **d),
                "Cancel a planned session; those invited receive METHOD:CANCEL.")
_session_action("attendance", s.QualityAttendanceSchema,
                lambda ses, d: sessions.set_attendance(actor=actor(), session=ses, **d),
                "Record who was present (participant ids); the others are recorded absent.")
_session_action("decisions", s.QualityDecisionSchema,
                lambda ses, d: (sessions.decide(actor=actor(), session=ses, **d), ses)[1],
                "Record the session's decision on one agenda event.")
_session_action("conclusions", s.QualityDiscussionSchema,
                lambda ses, d: discussion.record(actor=actor(), session=ses, **d),
                "Practice group or case concertation: the case discussed (screened) and the group's conclusions.")
_session_action("held", s.QualityHoldSchema, lambda ses, d: sessions.hold(actor=actor(), session=ses, **d),
                "Mark the session held, with its summary (attendance must be taken first).")


@bp.route("/sessions/<int:session_id>/traceur")
class SessionTraceur(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityTraceurSchema)
    @bp.response(200, s.QualityTraceurSchema)
    def put(self, data, session_id: int):
        """Record the patient traceur of a patient-traceur session (pseudonymous label, agreement, pathway)."""
        session = programme_access.get_session_for_user(actor(), session_id)
        return traceur.save(actor=actor(), session=session, data=data)


@bp.route("/sessions/<int:session_id>/minutes")
class SessionMinutes(MethodView):
    @permission_required("quality.sessions.read")
    @api_errors(*AUTH, 404)
    @bp.response(200, content_type="application/pdf", description="Le compte rendu en PDF")
    @bp.alt_response(202, schema=DocumentStatusSchema, description="Le PDF se fabrique : redemandez-le")
    def get(self, session_id: int):
        """The minutes PDF once a worker has made it for the session as it stands; 202 and its progress while it is
        being made (ask again); 404 until the minutes are established."""
        session = programme_access.get_session_for_user(actor(), session_id)
        if session.minutes_at is None:
            raise ServiceError("not_found", "Compte rendu pas encore établi.", status=404)
        document = minutes.request_minutes(session, actor=actor())
        if document.status is DocumentStatus.READY:
            return documents.download(document)
        return DocumentStatusSchema().dump({**documents.status(document), "download_url": url_for(
            "api_quality_programme.SessionMinutes", session_id=session.id)}), 202

    @permission_required("quality.manage")
    @api_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityMinutesSchema)
    @bp.response(200, s.QualitySessionSchema)
    def post(self, data, session_id: int):
        """Establish the minutes of a held session (a worker makes their PDF); ``send: true`` e-mails them to the
        participants once it is made."""
        session = programme_access.get_session_for_user(actor(), session_id)
        return minutes.make(actor=actor(), session=session, send=data["send"])

