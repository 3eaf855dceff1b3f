"""Pages of the programme: sessions (list, new, one session's meeting page), actions, indicators dashboard and
the annual report (CSV and PDF). Thin: read the form, call one service, show its French message."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.core.access import permission_required
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import abandon, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.models import Professional
from quality import actions, charts, forms, indicators, minutes, programme_access, sessions, traceur
from quality import vocab_sessions as words
from quality.models import AdverseEvent
from quality.models_actions import Analysis, CorrectiveAction
from quality.models_sessions import QualityTheme

bp = Blueprint("quality_programme", __name__, url_prefix="/qualite")


def _actor():
    return current_user._get_current_object()


def _ints(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


def _run(call, success: str, back: str):
    """Check the CSRF token, call the service, flash its outcome, go back."""
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        call()
    except ServiceError as exc:
        abandon()
        flash(exc.message + "".join(f" {m}" for ms in exc.fields.values() for m in ms), "error")
    else:
        flash(success, "success")
    return redirect(back)


@bp.route("/seances")
@permission_required("quality.sessions.read")
def sessions_list():
    rows, _ = programme_access.sessions_for_user(_actor())
    return render_template("quality/sessions.html", sessions=rows, form=forms.ConfirmForm())


def _starts_at() -> datetime | None:
    try:
        return datetime.fromisoformat(request.form.get("starts_at", ""))
    except ValueError:
        return None


@bp.route("/seances/nouvelle", methods=["GET", "POST"])
@permission_required("quality.manage")
def session_new():
    if request.method == "POST" and forms.ConfirmForm().validate_on_submit():
        data = {"kind": request.form.get("kind"), "starts_at": _starts_at(), "title": request.form.get("title"),
                "duration_minutes": request.form.get("duration_minutes", type=int),
                "place": request.form.get("place"), "video_url": request.form.get("video_url"),
                "professional_ids": _ints("professional_ids"), "user_ids": [_actor().id],
                "event_ids": _ints("event_ids"), "theme_ids": _ints("theme_ids")}
        try:
            session = sessions.schedule(actor=_actor(), data=data, invite=request.form.get("invite") == "oui")
        except ServiceError as exc:
            abandon()
            flash(exc.message + "".join(f" {m}" for ms in exc.fields.values() for m in ms), "error")
        else:
            flash("Séance planifiée.", "success")
            return redirect(url_for("quality_programme.session_page", session_id=session.id))
    people = db.session.scalars(sa.select(Professional).where(Professional.active.is_(True))
                                .order_by(Professional.last_name).limit(500)).all()
    events = db.session.scalars(sa.select(AdverseEvent).where(AdverseEvent.state.in_(sessions.AGENDA_STATES))
                                .order_by(AdverseEvent.id)).all()
    themes = db.session.scalars(sa.select(QualityTheme).where(QualityTheme.active.is_(True))).all()
    return render_template("quality/session_new.html", form=forms.ConfirmForm(), people=people, events=events,
                           themes=themes, kinds=list(words.SessionKind))


@bp.route("/seances/<int:session_id>")
@permission_required("quality.sessions.read")
def session_page(session_id: int):
    session = programme_access.get_session_for_user(_actor(), session_id)
    manage = programme_access.may_manage(_actor())
    ids = [i.event_id for i in session.items]
    analysis_for = dict(db.session.execute(sa.select(Analysis.event_id, Analysis.id)
                                           .where(Analysis.event_id.in_(ids))).all()) if manage and ids else {}
    return render_template("quality/session.html", session=session, manage=manage, form=forms.ConfirmForm(),
                           agenda=sessions.agenda(session), decisions=list(words.Decision),
                           pilots=sessions_pilots() if manage else [], analysis_for=analysis_for,
                           words=words, followed=minutes.followed_actions(session) if manage else [],
                           today=utcnow().date())


def sessions_pilots():
    return db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.full_name)).all()


@bp.route("/seances/<int:session_id>/<step>", methods=["POST"])
@permission_required("quality.manage")
def session_step(session_id: int, step: str):
    session = programme_access.get_session_for_user(_actor(), session_id)
    back = url_for("quality_programme.session_page", session_id=session.id)
    calls = {
        "inviter": (lambda: sessions.invite(actor=_actor(), session=session), "Invitation envoyée."),
        "annuler": (lambda: sessions.cancel(actor=_actor(), session=session, reason=request.form.get("reason")),
                    "Séance annulée ; les invités sont prévenus."),
        "presences": (lambda: sessions.set_attendance(actor=_actor(), session=session,
                                                      present_ids=_ints("present_ids")), "Présences enregistrées."),
        "decision": (lambda: sessions.decide(actor=_actor(), session=session,
                                             event_id=request.form.get("event_id", type=int),
                                             decision=request.form.get("decision"),
                                             pilot_user_id=request.form.get("pilot_user_id", type=int),
                                             note=request.form.get("note")), "Décision enregistrée."),
        "tenue": (lambda: sessions.hold(actor=_actor(), session=session, summary=request.form.get("summary")),
                  "Séance marquée tenue."),
        "traceur": (lambda: traceur.save(actor=_actor(), session=session, data=_traceur_form()),
                    "Patient traceur enregistré."),
        "retour-patient": (lambda: traceur.patient_feedback(actor=_actor(), traceur=session.traceur,
                                                            text=request.form.get("patient_feedback")),
                           "Retour au patient enregistré."),
        "compte-rendu": (lambda: minutes.make(actor=_actor(), session=session,
                                              send=request.form.get("send") == "oui"), "Compte rendu établi."),
    }
    if step not in calls:
        abort(404)
    call, success = calls[step]
    return _run(call, success, back)


def _traceur_form() -> dict:
    try:
        agreed = date.fromisoformat(request.form.get("agreement_on", ""))
    except ValueError:
        agreed = None
    columns = ("when", "setting", "description", "interface_with", "procedure", "gap")
    rows = zip(*(request.form.getlist(f"step_{c}") for c in columns), strict=False)
    steps = [dict(zip(columns, row, strict=True)) for row in rows if row[2].strip()]
    return {"label": request.form.get("label"), "agreement_on": agreed,
            "agreement_how": request.form.get("agreement_how"), "steps": steps,
            "interview_summary": request.form.get("interview_summary")}


@bp.route("/seances/<int:session_id>/compte-rendu.pdf")
@permission_required("quality.sessions.read")
def session_minutes(session_id: int):
    session = programme_access.get_session_for_user(_actor(), session_id)
    if session.minutes_pdf is None:
        abort(404)
    return Response(session.minutes_pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="compte-rendu-{session.id}.pdf"'})


@bp.route("/actions")
@permission_required("quality.manage")
def actions_list():
    rows = db.session.scalars(sa.select(CorrectiveAction).order_by(CorrectiveAction.due_on)).all()
    return render_template("quality/actions.html", actions=rows, today=utcnow().date(), form=forms.ConfirmForm(),
                           next_statuses=actions.next_statuses)


@bp.route("/actions/<int:action_id>/transition", methods=["POST"])
@permission_required("quality.manage")
def action_transition(action_id: int):
    action = programme_access.get_action(action_id)
    return _run(lambda: actions.transition(actor=_actor(), action=action, to=request.form.get("to"),
                                           evidence_note=request.form.get("evidence_note")),
                "Action mise à jour.", url_for("quality_programme.actions_list"))


@bp.route("/actions/<int:action_id>/preuve", methods=["GET", "POST"])
@permission_required("quality.manage")
def action_evidence(action_id: int):
    action = programme_access.get_action(action_id)
    if request.method == "GET":
        if action.evidence_file is None:
            abort(404)
        return Response(action.evidence_file, mimetype=action.evidence_media_type, headers={
            "Content-Disposition": f'attachment; filename="preuve-action-{action.id}"',
            "X-Content-Type-Options": "nosniff"})
    upload = request.files.get("evidence_file")
    content = upload.read(actions.EVIDENCE_MAX_BYTES + 1) if upload else b""
    return _run(lambda: actions.attach_evidence(actor=_actor(), action=action, filename=upload.filename if upload
                                                else "", media_type=upload.mimetype if upload else "",
                                                content=content),
                "Preuve jointe.", url_for("quality_programme.actions_list"))


def _year() -> int:
    year = request.args.get("annee", type=int) or utcnow().year
    return year if 2000 <= year <= 2100 else utcnow().year


@bp.route("/indicateurs")
@permission_required("quality.indicators.read")
def dashboard():
    figures = indicators.compute(_year())
    svg = {"category": charts.bars(list(figures["events_by_category"].items()), title="Événements par catégorie"),
           "severity": charts.bars(list(figures["events_by_severity"].items()), title="Événements par gravité"),
           "month": charts.columns(figures["events_by_month"], title="Événements par mois"),
           "actions": charts.bars([("À l'heure", figures["actions"]["on_time"]),
                                   ("En retard", figures["actions"]["late"]),
                                   ("Efficacité vérifiée", figures["actions"]["verified"])], title="Actions"),
           "sessions": charts.bars(list(figures["sessions_held"].items()), title="Séances tenues")}
    return render_template("quality/dashboard.html", figures=figures, svg=svg)


@bp.route("/indicateurs/rapport-<int:year>.csv")
@permission_required("quality.indicators.read")
def report_csv(year: int):
    figures = indicators.compute(year if 2000 <= year <= 2100 else utcnow().year)
    return csv_response(f"indicateurs-qualite-{figures['year']}.csv", indicators.CONTRACT_HEADER,
                        indicators.contract_rows(figures))


@bp.route("/indicateurs/rapport-<int:year>.pdf")
@permission_required("quality.indicators.read")
def report_pdf(year: int):
    from weasyprint import HTML

    figures = indicators.compute(year if 2000 <= year <= 2100 else utcnow().year)
    html = current_app.jinja_env.get_template("quality/pdf/report.html").render(
        figures=figures, rows=indicators.contract_rows(figures), cpts=current_app.config.get("CPTS_NAME", ""))
    return Response(HTML(string=html).write_pdf(), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="indicateurs-qualite-{figures["year"]}.pdf"'})
