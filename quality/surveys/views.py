"""The surveys' pages: the list, a new questionnaire (CSV or the demo one), a survey's page (results per dimension
from five answers up, the comparison with the last survey, invitations, public links and their posters), and the
two public answer pages (a personal link, a cabinet's link), which need no login and no JavaScript."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from crisis_app.core import links
from crisis_app.core.access import permission_required, public
from crisis_app.core.db import abandon, db
from crisis_app.core.errors import ServiceError
from crisis_app.directory.professionals.models import Professional
from quality.blueprints import actor, form_ints, run_and_go_back
from quality.register import forms, ratelimit
from quality.surveys import charts, messages, posters, questionnaire
from quality.surveys import services as surveys
from quality.surveys.models import Survey, SurveyPoint
from quality.surveys.vocab import SCALE, SurveyKind

bp = Blueprint("quality_surveys", __name__, url_prefix="/qualite/questionnaires")
public_bp = Blueprint("quality_surveys_public", __name__)


def _survey(survey_id: int) -> Survey:
    found = db.session.get(Survey, survey_id) if 0 < survey_id < 2**31 else None
    return found or abort(404)


@bp.route("")
@permission_required("quality.surveys.results")
def survey_list():
    rows = db.session.scalars(sa.select(Survey).order_by(Survey.id.desc()).limit(200)).all()
    return render_template("quality/surveys/list.html", surveys=rows)


def _dimensions() -> list[dict]:
    upload = request.files.get("file")
    if upload and upload.filename:
        return questionnaire.from_csv(upload.read(questionnaire.CSV_MAX_BYTES + 1))
    demo = questionnaire.DEMO_SAFETY if request.form.get("kind") == "safety_culture" else \
        questionnaire.DEMO_SATISFACTION
    return demo["dimensions"]


@bp.route("/nouveau", methods=["GET", "POST"])
@permission_required("quality.manage")
def survey_new():
    if request.method == "POST" and forms.ConfirmForm().validate_on_submit():
        try:
            created = surveys.create(actor=actor(), kind=request.form.get("kind"), title=request.form.get("title"),
                                     note=request.form.get("note"), dimensions=_dimensions())
        except ServiceError as exc:
            abandon()
            flash(exc.message, "error")
        else:
            flash("Questionnaire enregistré.", "success")
            return redirect(url_for("quality_surveys.survey_page", survey_id=created.id))
    return render_template("quality/surveys/new.html", form=forms.ConfirmForm(), kinds=list(SurveyKind),
                           demo={"safety_culture": questionnaire.DEMO_SAFETY,
                                 "satisfaction": questionnaire.DEMO_SATISFACTION})


@bp.route("/<int:survey_id>")
@permission_required("quality.surveys.results")
def survey_page(survey_id: int):
    survey = _survey(survey_id)
    result, before = surveys.results(survey), surveys.previous(survey)
    manage = actor().may("quality.manage")
    people = db.session.scalars(sa.select(Professional).where(Professional.active.is_(True))
                                .order_by(Professional.last_name).limit(500)).all() if manage else []
    return render_template("quality/surveys/survey.html", survey=survey, result=result, manage=manage,
                           chart=charts.comparison(result, surveys.results(before) if before else None,
                                                   title=survey.title, before_title=before.title if before else None),
                           previous=before, people=people, form=forms.ConfirmForm(),
                           invited=surveys.invitation_counts(survey))


@bp.route("/<int:survey_id>/<step>", methods=["POST"])
@permission_required("quality.manage")
def survey_step(survey_id: int, step: str):
    survey = _survey(survey_id)
    calls = {
        "inviter": (lambda: surveys.invite(actor=actor(), survey=survey,
                                           professional_ids=form_ints("professional_ids")), "Invitations envoyées."),
        "ouvrir": (lambda: surveys.open_survey(actor=actor(), survey=survey), "Questionnaire ouvert."),
        "clore": (lambda: surveys.close(actor=actor(), survey=survey), "Questionnaire clos."),
        "lien": (lambda: surveys.add_point(actor=actor(), survey=survey, label=request.form.get("label")),
                 "Lien public créé : imprimez son affiche."),
    }
    if step not in calls:
        abort(404)
    call, success = calls[step]
    return run_and_go_back(call, success, url_for("quality_surveys.survey_page", survey_id=survey.id))


@bp.route("/liens/<int:point_id>/affiche.pdf")
@permission_required("quality.manage")
def poster(point_id: int):
    point = db.session.get(SurveyPoint, point_id) if 0 < point_id < 2**31 else None
    if point is None:
        abort(404)
    return Response(posters.poster_pdf(point), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="affiche-avis-{point.id}.pdf"'})


def _answer_page(survey: Survey, submit, *, where: str | None = None, status: int = 200):
    form = forms.ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        values = {q.id: request.form.get(f"q{q.id}") for q in survey.questions if request.form.get(f"q{q.id}")}
        try:
            submit(values, request.form.get("comment"))
        except ServiceError as exc:
            abandon()
            flash(exc.message, "error")
            status = exc.status if exc.status != 422 else 200
        else:
            return render_template("quality/surveys/answered.html", survey=survey, already=False)
    return render_template("quality/surveys/answer.html", survey=survey, form=form, scale=SCALE, where=where,
                           chosen=request.form), status


@public_bp.route("/questionnaire/<token>", methods=["GET", "POST"])
@public
def personal(token: str):
    try:
        invitation = messages.invitation_for_token(token)
    except links.LinkError as exc:
        return render_template("errors/error.html", status=404, title="Lien inconnu", message=exc.message), 404
    survey = db.session.get(Survey, invitation.survey_id)
    if invitation.answered:
        return render_template("quality/surveys/answered.html", survey=survey, already=True), 409
    return _answer_page(survey, lambda values, comment: surveys.answer_invitation(
        invitation=invitation, values=values, comment=comment))


@public_bp.route("/avis/<token>", methods=["GET", "POST"])
@public
def point_answer(token: str):
    point = db.session.scalar(sa.select(SurveyPoint).where(SurveyPoint.token == token)) if len(token) < 64 else None
    if point is None:
        return render_template("errors/error.html", status=404, title="Lien inconnu",
                               message="Ce questionnaire n'existe pas ou plus."), 404
    if request.method == "POST" and not ratelimit.allow("survey"):
        return render_template("errors/error.html", status=429, title="Trop de réponses",
                               message="Trop de réponses depuis cette connexion : réessayez dans une heure."), 429
    return _answer_page(point.survey, lambda values, comment: surveys.answer_point(
        point=point, values=values, comment=comment), where=point.label)
