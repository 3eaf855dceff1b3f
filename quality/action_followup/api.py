"""Actions API: every corrective action the programme follows (events, analyses, patient traceurs, crisis RETEX),
create one, move it. Quality referents only."""

from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core.access import permission_required
from crisis_app.core.db import db
from quality.action_followup import actions
from quality.action_followup import schemas as s
from quality.action_followup import services as followup
from quality.blueprints import AUTH, actor, api_errors
from quality.blueprints import programme_api_bp as bp


@bp.route("/actions")
class Actions(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH)
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
    @api_errors(*AUTH, 422)
    @bp.arguments(s.QualityActionCreateSchema)
    @bp.response(201, s.QualityActionSchema)
    def post(self, data):
        return actions.create(actor=actor(), data=data)


@bp.route("/actions/<int:action_id>")
class ActionResource(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404)
    @bp.response(200, s.QualityActionSchema)
    def get(self, action_id: int):
        return followup.get_action(action_id)


@bp.route("/actions/<int:action_id>/transition")
class ActionTransition(MethodView):
    @permission_required("quality.manage")
    @api_errors(*AUTH, 404, 409, 422)
    @bp.arguments(s.QualityActionTransitionSchema)
    @bp.response(200, s.QualityActionSchema)
    def post(self, data, action_id: int):
        """planifiée → en cours → réalisée → efficacité vérifiée | non efficace; 409 and nothing changed
        otherwise."""
        return actions.transition(actor=actor(), action=followup.get_action(action_id), **data)
