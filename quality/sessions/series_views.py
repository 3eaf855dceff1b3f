"""The recurring sessions' pages: plan a series (the rule in words: « le 2e mardi de chaque mois, 12 h 30 »), and a
series' page with its occurrences and its invitation. Thin: read the form, call one service, show its message."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from crisis_app.core.access import permission_required
from crisis_app.core.db import abandon, db
from crisis_app.core.errors import ServiceError
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.professionals.models import Professional
from quality.blueprints import actor, form_ints, run_and_go_back
from quality.blueprints import programme_bp as bp
from quality.register import forms
from quality.sessions import series
from quality.sessions import vocab as words
from quality.sessions.models import QualityTheme, SessionSeries
from quality.sessions.views import with_groups


def _form_int(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.lstrip("-").isdigit() and len(value) < 4 else None


def _first_at() -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(request.form.get("first_day", "")),
                                time.fromisoformat(request.form.get("at", "")))
    except ValueError:
        return None


def _until() -> date | None:
    try:
        return date.fromisoformat(request.form.get("until", ""))
    except ValueError:
        return None


def _data() -> dict:
    rule = series.rule_from_form(frequency=request.form.get("frequency"), nth=_form_int("nth"),
                                 weekday=_form_int("weekday"), interval=_form_int("interval") or 1)
    return {"kind": request.form.get("kind"), "title": request.form.get("title"), "rrule": rule,
            "first_at": _first_at(), "until": _until(),
            "duration_minutes": request.form.get("duration_minutes", type=int),
            "place": request.form.get("place"), "video_url": request.form.get("video_url"),
            "professional_ids": with_groups(form_ints("professional_ids"), form_ints("audience_ids")),
            "user_ids": [actor().id], "theme_ids": form_ints("theme_ids")}


@bp.route("/seances/series/nouvelle", methods=["GET", "POST"])
@permission_required("quality.manage")
def series_new():
    if request.method == "POST" and forms.ConfirmForm().validate_on_submit():
        try:
            created = series.create(actor=actor(), data=_data(), invite=request.form.get("invite") == "oui")
        except ServiceError as exc:
            abandon()
            flash(exc.message + "".join(f" {m}" for ms in exc.fields.values() for m in ms), "error")
        else:
            flash("Série planifiée : ses séances des six prochains mois sont créées.", "success")
            return redirect(url_for("quality_programme.series_page", series_id=created.id))
    people = db.session.scalars(sa.select(Professional).where(Professional.active.is_(True))
                                .order_by(Professional.last_name).limit(500)).all()
    themes = db.session.scalars(sa.select(QualityTheme).where(QualityTheme.active.is_(True))).all()
    return render_template("quality/sessions_series_new.html", form=forms.ConfirmForm(), people=people,
                           groups=audiences.list_audiences(), themes=themes, kinds=list(words.SessionKind),
                           weekdays=series.WEEKDAY_LABELS, ordinals=series.ORDINALS)


@bp.route("/seances/series/<int:series_id>")
@permission_required("quality.manage")
def series_page(series_id: int):
    found = db.session.get(SessionSeries, series_id) if 0 < series_id < 2**31 else None
    if found is None:
        abort(404)
    return render_template("quality/sessions_series.html", series=found, rule=series.describe(found),
                           occurrences=series.upcoming(found), form=forms.ConfirmForm())


@bp.route("/seances/series/<int:series_id>/inviter", methods=["POST"])
@permission_required("quality.manage")
def series_invite(series_id: int):
    found = db.session.get(SessionSeries, series_id) if 0 < series_id < 2**31 else None
    if found is None:
        abort(404)
    return run_and_go_back(lambda: series.invite(actor=actor(), series=found),
                           "Invitation de la série envoyée (fichier agenda avec sa règle de répétition).",
                           url_for("quality_programme.series_page", series_id=found.id))
