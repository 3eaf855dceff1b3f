"""The pilot's analysis page (ORION steps or ALARM grid, barriers, lessons: saved as they go), its actions, and
the closure of the event with the feedback to the declarer and the lessons shared."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for

from crisis_app.actionplan.vocab import ActionType
from crisis_app.core.access import permission_required
from crisis_app.core.db import db
from crisis_app.core.labels import labels
from crisis_app.directory.audiences.models import Audience
from quality import people
from quality.action_followup import actions
from quality.analyses import services as analyses
from quality.analyses import vocab as words
from quality.analyses.models import Analysis
from quality.blueprints import actor, run_and_go_back
from quality.register import closure, forms
from quality.register.models import AdverseEvent
from quality.sessions import access as programme_access
from quality.sessions.models import QualitySession
from quality.sessions.vocab import SessionStatus

bp = Blueprint("quality_analyses", __name__, url_prefix="/qualite/analyses")


@bp.route("")
@permission_required("quality.manage")
def analyses_list():
    rows = db.session.scalars(sa.select(Analysis).order_by(Analysis.updated_at.desc())).all()
    return render_template("quality/analyses.html", analyses=rows)


def _factors(analysis: Analysis) -> dict[str, str]:
    return labels(words.OrionFactorFamily if analysis.method == "orion" else words.AlarmFactor)


def _page_data(analysis: Analysis) -> dict:
    event = db.session.get(AdverseEvent, analysis.event_id) if analysis.event_id else None
    return {
        "analysis": analysis, "event": event, "words": words, "action_types": labels(ActionType),
        "form": forms.ConfirmForm(),
        "factors": _factors(analysis),
        "actions": actions.for_event(event.id) if event else [],
        "sessions": db.session.scalars(sa.select(QualitySession).where(
            QualitySession.status != SessionStatus.CANCELLED).order_by(QualitySession.starts_at.desc())
            .limit(20)).all(),
        "owners": people.acting_accounts() + people.directory_people(),
        "audiences": db.session.scalars(sa.select(Audience).order_by(Audience.name)).all(),
    }


@bp.route("/<int:analysis_id>")
@permission_required("quality.manage")
def analysis_page(analysis_id: int):
    return render_template("quality/analysis.html", **_page_data(analyses.get_analysis(analysis_id)))


def _back(analysis: Analysis) -> str:
    return url_for("quality_analyses.analysis_page", analysis_id=analysis.id)


def _form_data(analysis: Analysis) -> dict:
    families = _factors(analysis)
    barriers = [{"kind": k, "outcome": o, "text": t} for k, o, t in zip(
        request.form.getlist("barrier_kind"), request.form.getlist("barrier_outcome"),
        request.form.getlist("barrier_text"), strict=False) if k and o]
    data = {"factors": {k: request.form.get(f"factor_{k}", "") for k in families},
            "barriers": barriers, "lessons": request.form.get("lessons")}
    if analysis.method == "orion":
        data["steps"] = {k: request.form.get(f"step_{k}", "") for k in labels(words.OrionStep)}
    return data


@bp.route("/<int:analysis_id>/enregistrer", methods=["POST"])
@permission_required("quality.manage")
def save(analysis_id: int):
    analysis = analyses.get_analysis(analysis_id)
    return run_and_go_back(lambda: analyses.save(actor=actor(), analysis=analysis, data=_form_data(analysis)),
                           "Analyse enregistrée.", _back(analysis))


@bp.route("/<int:analysis_id>/etape", methods=["POST"])
@permission_required("quality.manage")
def step(analysis_id: int):
    analysis = analyses.get_analysis(analysis_id)
    if request.form.get("to") == "presentee":
        return run_and_go_back(lambda: analyses.present(actor=actor(), analysis=analysis), "Analyse présentée.",
                               _back(analysis))
    session = programme_access.get_session_for_user(actor(), request.form.get("session_id", type=int) or 0)
    return run_and_go_back(lambda: analyses.validate(actor=actor(), analysis=analysis, session=session),
                           "Analyse et plan d'actions validés.", _back(analysis))


def _due_on() -> date | None:
    try:
        return date.fromisoformat(request.form.get("due_on", ""))
    except ValueError:
        return None


@bp.route("/<int:analysis_id>/actions", methods=["POST"])
@permission_required("quality.manage")
def add_action(analysis_id: int):
    analysis = analyses.get_analysis(analysis_id)
    owner = request.form.get("owner", "")
    kind, _, owner_id = owner.partition(":")
    data = {"title": request.form.get("title"), "description": request.form.get("description"),
            "action_type": request.form.get("action_type"), "source_type": "analysis", "source_id": analysis.id,
            "due_on": _due_on(),
            "owner_professional_id": int(owner_id) if kind == "p" and owner_id.isdigit() else None,
            "owner_user_id": int(owner_id) if kind == "u" and owner_id.isdigit() else None}
    return run_and_go_back(lambda: actions.create(actor=actor(), data=data), "Action ajoutée.", _back(analysis))


@bp.route("/<int:analysis_id>/cloture", methods=["POST"])
@permission_required("quality.manage")
def close(analysis_id: int):
    analysis = analyses.get_analysis(analysis_id)
    if analysis.event_id is None:
        abort(404)
    event = db.session.get(AdverseEvent, analysis.event_id)
    audience_id = request.form.get("audience_id", type=int)
    return run_and_go_back(lambda: closure.close(actor=actor(), event=event, feedback=request.form.get("feedback"),
                                                 audience_id=audience_id, lessons=request.form.get("lessons_shared")
                                                 or analysis.lessons),
                           "Événement clôturé ; le déclarant a son retour.", _back(analysis))
