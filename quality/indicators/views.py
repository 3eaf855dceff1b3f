"""The twice-yearly review page (own indicators against their targets, values entered by hand), the themes list,
and the coordinator's reminder period for overdue actions."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from crisis_app.core.access import permission_required
from crisis_app.core.db import db, utcnow
from quality import forms, indicators, programme_admin
from quality import vocab_sessions as words
from quality.models_actions import CorrectiveAction, QualityIndicator
from quality.models_sessions import QualityTheme
from quality.views_programme import _run

bp = Blueprint("quality_admin", __name__, url_prefix="/qualite")


def _actor():
    return current_user._get_current_object()


def _number(name: str) -> float | None:
    try:
        return float((request.form.get(name) or "").replace(",", "."))
    except ValueError:
        return None


@bp.route("/indicateurs/revue")
@permission_required("quality.manage")
def review():
    year = request.args.get("annee", type=int) or utcnow().year
    year = year if 2000 <= year <= 2100 else utcnow().year
    figures = indicators.compute(year)
    return render_template("quality/review.html", figures=figures, words=words, form=forms.ConfirmForm(),
                           actions=db.session.scalars(sa.select(CorrectiveAction).order_by(CorrectiveAction.id)).all(),
                           themes=db.session.scalars(sa.select(QualityTheme).order_by(QualityTheme.label)).all(),
                           today=utcnow().date())


@bp.route("/indicateurs/nouveau", methods=["POST"])
@permission_required("quality.manage")
def indicator_new():
    data = {"name": request.form.get("name"), "definition": request.form.get("definition"),
            "source": request.form.get("source"), "metric": request.form.get("metric") or None,
            "target": _number("target"), "unit": request.form.get("unit"),
            "action_id": request.form.get("action_id", type=int)}
    return _run(lambda: programme_admin.create_indicator(actor=_actor(), data=data), "Indicateur créé.",
                url_for("quality_admin.review"))


@bp.route("/indicateurs/<int:indicator_id>/valeur", methods=["POST"])
@permission_required("quality.manage")
def indicator_value(indicator_id: int):
    indicator = db.session.get(QualityIndicator, indicator_id) or abort(404)
    try:
        measured_on = date.fromisoformat(request.form.get("measured_on", ""))
    except ValueError:
        measured_on = None
    return _run(lambda: programme_admin.record_value(actor=_actor(), indicator=indicator, value=_number("value"),
                                                     measured_on=measured_on),
                "Valeur enregistrée.", url_for("quality_admin.review"))


@bp.route("/themes", methods=["POST"])
@permission_required("quality.manage")
def theme_add():
    return _run(lambda: programme_admin.add_theme(actor=_actor(), label=request.form.get("label")),
                "Thème ajouté.", url_for("quality_admin.review"))


@bp.route("/themes/<int:theme_id>", methods=["POST"])
@permission_required("quality.manage")
def theme_toggle(theme_id: int):
    theme = db.session.get(QualityTheme, theme_id) or abort(404)
    return _run(lambda: programme_admin.set_theme_active(actor=_actor(), theme=theme, active=not theme.active),
                "Liste des thèmes mise à jour.", url_for("quality_admin.review"))


@bp.route("/parametres/actions", methods=["GET", "POST"])
@permission_required("quality.configure")
def action_settings():
    if request.method == "POST":
        return _run(lambda: programme_admin.set_overdue_every_days(
            actor=_actor(), days=request.form.get("overdue_every_days", type=int)),
            "Période de rappel enregistrée.", url_for("quality_admin.action_settings"))
    return render_template("quality/action_settings.html", row=programme_admin.programme_settings(),
                           form=forms.ConfirmForm())
