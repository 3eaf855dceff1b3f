"""The actions' pages: every corrective action by due date, its moves and its evidence; the coordinator's reminder
period for overdue actions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, render_template, request, url_for

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core.access import permission_required
from crisis_app.core.bodies import body_limit
from crisis_app.core.db import db, utcnow
from quality.action_followup import actions
from quality.action_followup import services as followup
from quality.blueprints import actor, admin_bp, programme_bp, run_and_go_back
from quality.register import forms


@programme_bp.route("/actions")
@permission_required("quality.manage")
def actions_list():
    rows = db.session.scalars(sa.select(CorrectiveAction).order_by(CorrectiveAction.due_on)).all()
    return render_template("quality/actions.html", actions=rows, today=utcnow().date(), form=forms.ConfirmForm(),
                           next_statuses=actions.next_statuses)


@programme_bp.route("/actions/<int:action_id>/transition", methods=["POST"])
@permission_required("quality.manage")
def action_transition(action_id: int):
    action = followup.get_action(action_id)
    return run_and_go_back(lambda: actions.transition(actor=actor(), action=action, to=request.form.get("to"),
                                                      evidence_note=request.form.get("evidence_note")),
                           "Action mise à jour.", url_for("quality_programme.actions_list"))


@programme_bp.route("/actions/<int:action_id>/preuve", methods=["GET", "POST"])
@permission_required("quality.manage")
@body_limit(actions.EVIDENCE_UPLOAD_MAX_BYTES)
def action_evidence(action_id: int):
    action = followup.get_action(action_id)
    if request.method == "GET":
        if action.evidence_file is None:
            abort(404)
        return Response(action.evidence_file, mimetype=action.evidence_media_type, headers={
            "Content-Disposition": f'attachment; filename="preuve-action-{action.id}"',
            "X-Content-Type-Options": "nosniff"})
    upload = request.files.get("evidence_file")
    content = upload.read(actions.EVIDENCE_MAX_BYTES + 1) if upload else b""
    filename, media_type = (upload.filename, upload.mimetype) if upload else ("", "")
    return run_and_go_back(lambda: actions.attach_evidence(actor=actor(), action=action, filename=filename,
                                                           media_type=media_type, content=content),
                           "Preuve jointe.", url_for("quality_programme.actions_list"))


@admin_bp.route("/parametres/actions", methods=["GET", "POST"])
@permission_required("quality.configure")
def action_settings():
    if request.method == "POST":
        return run_and_go_back(lambda: followup.set_overdue_every_days(
            actor=actor(), days=request.form.get("overdue_every_days", type=int)),
            "Période de rappel enregistrée.", url_for("quality_admin.action_settings"))
    return render_template("quality/action_settings.html", row=followup.programme_settings(),
                           form=forms.ConfirmForm())
