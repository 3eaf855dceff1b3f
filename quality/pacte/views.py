"""The PACTE page: the programme's steps and dates, its figures, the maturity radar; start a programme, mark a step
done, record a self-assessment. Thin: read the form, call one service."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for

from crisis_app.core.access import permission_required
from crisis_app.core.db import db
from quality.blueprints import actor, run_and_go_back
from quality.pacte import charts
from quality.pacte import services as pacte
from quality.pacte.models import AXES, PacteProgramme, PacteStep
from quality.register import forms
from quality.sessions.models import QualitySession
from quality.sessions.vocab import SessionKind
from quality.surveys.models import Survey
from quality.surveys.vocab import SurveyKind

bp = Blueprint("quality_pacte", __name__, url_prefix="/qualite/pacte")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _int(name: str) -> int | None:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.route("")
@permission_required("quality.surveys.results")
def programme_page():
    programme = pacte.current()
    manage = actor().may("quality.manage")
    return render_template(
        "quality/pacte/programme.html", programme=programme, figures=pacte.programme_figures(programme),
        radar=charts.radar(programme.assessments, title="Maturité de l'équipe par période") if programme else None,
        axes=AXES, manage=manage, form=forms.ConfirmForm(), today=date.today(),
        surveys=db.session.scalars(sa.select(Survey).where(Survey.kind == SurveyKind.SAFETY_CULTURE)
                                   .order_by(Survey.id.desc()).limit(20)).all() if manage else [],
        sessions=db.session.scalars(sa.select(QualitySession).where(QualitySession.kind.in_(
            [SessionKind.CRM_TRAINING, SessionKind.CREX, SessionKind.RMM])).order_by(QualitySession.starts_at.desc())
            .limit(30)).all() if manage else [])


@bp.route("/demarrer", methods=["POST"])
@permission_required("quality.manage")
def programme_start():
    return run_and_go_back(lambda: pacte.start(actor=actor(), title=request.form.get("title"),
                                               starts_on=_date("starts_on")),
                           "Programme PACTE démarré : ses étapes sont datées.", url_for("quality_pacte.programme_page"))


@bp.route("/etapes/<int:step_id>", methods=["POST"])
@permission_required("quality.manage")
def step_done(step_id: int):
    step = db.session.get(PacteStep, step_id) if 0 < step_id < 2**31 else None
    if step is None:
        abort(404)
    return run_and_go_back(lambda: pacte.complete_step(actor=actor(), step=step, done_on=_date("done_on"),
                                                       survey_id=_int("survey_id"), session_id=_int("session_id")),
                           "Étape enregistrée.", url_for("quality_pacte.programme_page"))


@bp.route("/<int:programme_id>/maturite", methods=["POST"])
@permission_required("quality.manage")
def maturity(programme_id: int):
    programme = db.session.get(PacteProgramme, programme_id) if 0 < programme_id < 2**31 else None
    if programme is None:
        abort(404)
    scores = {axis: _int(axis) for axis, _ in AXES}
    return run_and_go_back(lambda: pacte.assess(actor=actor(), programme=programme, period=request.form.get("period"),
                                                assessed_on=_date("assessed_on"), scores=scores),
                           "Auto-évaluation enregistrée.", url_for("quality_pacte.programme_page"))
