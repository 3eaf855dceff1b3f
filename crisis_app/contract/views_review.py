"""The indicator reviews' pages: plan one (invitation with .ics), record what it decided, mark it held; and the
home card saying it is due six months after the last one."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.contract import indicators, reviews
from crisis_app.contract.forms import ButtonForm
from crisis_app.contract.models import IndicatorReview
from crisis_app.contract.views import MAX_ID, bp
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.db import abandon, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.home import Card, card_provider
from crisis_app.core.outcome import act_and_go_back, refusal_text
from crisis_app.core.timez import PARIS, to_paris


def _list(status: int = 200, error: str | None = None):
    return render_template("contract/reviews.html", reviews=reviews.list_reviews(), button=ButtonForm(formdata=None),
                           due=reviews.review_due(last_held=reviews.last_held(), today=to_paris(utcnow()).date()),
                           last_held=reviews.last_held(), error=error, form=request.form), status


@bp.route("/revues")
@permission_required("contract.review")
def review_list():
    return _list()


def _moment(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text or "").replace(tzinfo=PARIS)
    except ValueError:
        return None


@bp.route("/revues", methods=["POST"])
@permission_required("contract.review")
def review_plan():
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        review = reviews.plan_review(actor=current_user._get_current_object(),
                                     starts_at=_moment(request.form.get("starts_at")),
                                     place=request.form.get("place"))
    except ServiceError as exc:
        abandon()
        return _list(400, refusal_text(exc))
    return redirect(url_for("contract.review_detail", review_id=review.id), code=303)


def _review(review_id: int) -> IndicatorReview:
    return get_for_user(IndicatorReview, min(review_id, MAX_ID), "contract.review")


@bp.route("/revues/<int:review_id>")
@permission_required("contract.review")
def review_detail(review_id: int):
    review = _review(review_id)
    year = to_paris(review.starts_at).year
    rows = indicators.rows_for(year)
    actions = db.session.query(CorrectiveAction).order_by(CorrectiveAction.due_on, CorrectiveAction.id).limit(200)
    return render_template("contract/review.html", review=review, rows=rows, year=year, actions=list(actions),
                           labels={r["key"]: r["label"] for r in rows}, decisions=reviews.decisions_of(review),
                           button=ButtonForm(formdata=None), today=to_paris(utcnow()).date())


@bp.route("/revues/<int:review_id>/decision", methods=["POST"])
@permission_required("contract.review")
def review_decision(review_id: int):
    review = _review(review_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    about = request.form.get("about", "")
    indicator = about[len("indicator:"):] if about.startswith("indicator:") else None
    action_id = int(about[len("action:"):]) if about.startswith("action:") and about[7:].isdigit() else None
    return act_and_go_back(lambda: reviews.record_decision(
        actor=current_user._get_current_object(), review=review, indicator=indicator,
        action_id=min(action_id, MAX_ID) if action_id else None, text=request.form.get("text")),
        "Décision enregistrée.", url_for("contract.review_detail", review_id=review.id))


@bp.route("/revues/<int:review_id>/tenue", methods=["POST"])
@permission_required("contract.review")
def review_held(review_id: int):
    review = _review(review_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        held_on = date.fromisoformat(request.form.get("held_on", ""))
    except ValueError:
        held_on = None
    return act_and_go_back(lambda: reviews.mark_held(actor=current_user._get_current_object(), review=review,
                                                     held_on=held_on),
                           "Revue marquée comme tenue.", url_for("contract.review_detail", review_id=review.id))


@card_provider("contract.review", order=45)
def _review_card(user):
    today, last = to_paris(utcnow()).date(), reviews.last_held()
    if not reviews.review_due(last_held=last, today=today):
        return
    planned = reviews.next_planned()
    since = f"Dernière revue tenue le {last:%d/%m/%Y}." if last else "Aucune revue tenue à ce jour."
    if planned:
        yield Card(title="Revue des indicateurs", value=f"Planifiée le {to_paris(planned.starts_at):%d/%m/%Y}",
                   detail=since, url=url_for("contract.review_detail", review_id=planned.id), action="Ouvrir la revue")
        return
    yield Card(title="Revue des indicateurs", value="À planifier", tone="warn",
               detail=f"{since} Elle a lieu tous les six mois.", url=url_for("contract.review_list"),
               action="Planifier la revue")
