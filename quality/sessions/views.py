"""The sessions' pages: the list, a new session, one session's meeting page (invitation, attendance, decisions,
patient traceur, minutes), the minutes PDF, and the themes list. Thin: read the form, call one service, show its
French message."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from crisis_app.core import documents
from crisis_app.core.access import permission_required
from crisis_app.core.db import abandon, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications import outbox
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional
from quality import gate
from quality import people as who
from quality.analyses.models import Analysis
from quality.analyses.vocab import AnalysisMethod
from quality.blueprints import actor, admin_bp, form_ints, run_and_go_back
from quality.blueprints import programme_bp as bp
from quality.register import forms
from quality.register.models import AdverseEvent
from quality.sessions import access as programme_access
from quality.sessions import agenda as session_agenda
from quality.sessions import discussion, minutes, themes, traceur
from quality.sessions import services as sessions
from quality.sessions import vocab as words
from quality.sessions.models import QualityTheme


@bp.route("/seances")
@permission_required("quality.sessions.read")
def sessions_list():
    rows, _ = programme_access.sessions_for_user(actor())
    year = utcnow().year
    counted = discussion.participants_by_profession(year, words.DISCUSSION_KINDS) \
        if programme_access.may_manage(actor()) else None
    return render_template("quality/sessions.html", sessions=rows, form=forms.ConfirmForm(), counted=counted,
                           year=year)


def _starts_at() -> datetime | None:
    try:
        return datetime.fromisoformat(request.form.get("starts_at", ""))
    except ValueError:
        return None


def with_groups(professional_ids: list[int], audience_ids: list[int]) -> list[int]:
    """The people ticked one by one and the members of the groups ticked (an audience of the directory)."""
    ids = list(professional_ids)
    for audience_id in audience_ids:
        audience = db.session.get(Audience, audience_id) if 0 < audience_id < 2**31 else None
        if audience is not None:
            ids += [p.id for p in audiences.resolve(audience) if p.id not in ids]
    return ids


@bp.route("/seances/nouvelle", methods=["GET", "POST"])
@permission_required("quality.manage")
def session_new():
    if request.method == "POST" and forms.ConfirmForm().validate_on_submit():
        data = {"kind": request.form.get("kind"), "starts_at": _starts_at(), "title": request.form.get("title"),
                "duration_minutes": request.form.get("duration_minutes", type=int),
                "place": request.form.get("place"), "video_url": request.form.get("video_url"),
                "professional_ids": with_groups(form_ints("professional_ids"), form_ints("audience_ids")),
                "user_ids": [actor().id],
                "event_ids": form_ints("event_ids"), "theme_ids": form_ints("theme_ids")}
        try:
            session = sessions.schedule(actor=actor(), data=data, invite=request.form.get("invite") == "oui")
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
                           groups=audiences.list_audiences(),
                           themes=themes, kinds=list(words.SessionKind))


@bp.route("/seances/<int:session_id>")
@permission_required("quality.sessions.read")
def session_page(session_id: int):
    session = programme_access.get_session_for_user(actor(), session_id)
    manage = programme_access.may_manage(actor())
    ids = [i.event_id for i in session.items]
    analysis_for = dict(db.session.execute(sa.select(Analysis.event_id, Analysis.id)
                                           .where(Analysis.event_id.in_(ids))).all()) if manage and ids else {}
    return render_template("quality/session.html", session=session, manage=manage, form=forms.ConfirmForm(),
                           agenda=session_agenda.agenda(session), decisions=list(words.Decision),
                           pilots=sessions_pilots() if manage else [], analysis_for=analysis_for,
                           words=words, followed=minutes.followed_actions(session) if manage else [],
                           blockers=gate.check(minutes.sources(session)) if manage else [],
                           sent=outbox.messages_about("quality_session", session.id, actor()),
                           methods=[(m.value, m.label) for m in AnalysisMethod],
                           eligible=_eligible_events(session) if manage else [],
                           default_method="alarm" if session.kind.value == "rmm" else "orion",
                           today=utcnow().date())


def _eligible_events(session):
    """Events that may be on the agenda: those oriented to a session, and those already on it."""
    on_it = [i.event_id for i in session.items]
    return db.session.scalars(sa.select(AdverseEvent).where(sa.or_(
        AdverseEvent.state.in_(sessions.AGENDA_STATES), AdverseEvent.id.in_(on_it or [-1])))
        .order_by(AdverseEvent.id)).all()


def sessions_pilots():
    return who.acting_accounts()


@bp.route("/seances/<int:session_id>/<step>", methods=["POST"])
@permission_required("quality.manage")
def session_step(session_id: int, step: str):
    session = programme_access.get_session_for_user(actor(), session_id)
    back = url_for("quality_programme.session_page", session_id=session.id)
    calls = {
        "inviter": (lambda: sessions.invite(actor=actor(), session=session), "Invitation envoyée."),
        "annuler": (lambda: sessions.cancel(actor=actor(), session=session, reason=request.form.get("reason")),
                    "Séance annulée ; les invités sont prévenus."),
        "presences": (lambda: sessions.set_attendance(actor=actor(), session=session,
                                                      present_ids=form_ints("present_ids")), "Présences enregistrées."),
        "decision": (lambda: sessions.decide(actor=actor(), session=session,
                                             event_id=request.form.get("event_id", type=int),
                                             decision=request.form.get("decision"),
                                             pilot_user_id=request.form.get("pilot_user_id", type=int),
                                             method=request.form.get("method") or None,
                                             note=request.form.get("note")), "Décision enregistrée."),
        "tenue": (lambda: sessions.hold(actor=actor(), session=session, summary=request.form.get("summary")),
                  "Séance marquée tenue."),
        "traceur": (lambda: traceur.save(actor=actor(), session=session, data=_traceur_form()),
                    "Patient traceur enregistré."),
        "retour-patient": (lambda: traceur.patient_feedback(actor=actor(), traceur=session.traceur,
                                                            text=request.form.get("patient_feedback")),
                           "Retour au patient enregistré."),
        "ordre-du-jour": (lambda: sessions.update(actor=actor(), session=session,
                                                  data={"event_ids": form_ints("event_ids")}),
                          "Ordre du jour mis à jour ; il sera renvoyé aux participants s'il l'avait été."),
        "deplacer": (lambda: sessions.update(actor=actor(), session=session, data={"starts_at": _starts_at()}),
                     "Séance déplacée ; les invités reçoivent la mise à jour."),
        "conclusions": (lambda: discussion.record(actor=actor(), session=session,
                                                  case_summary=request.form.get("case_summary"),
                                                  conclusions=request.form.get("conclusions")),
                        "Cas discuté et conclusions enregistrés."),
        "compte-rendu": (lambda: minutes.make(actor=actor(), session=session,
                                              send=request.form.get("send") == "oui"),
                         "Compte rendu établi : il se prépare sur le serveur (et part aux participants s'il le faut)."),
    }
    if step not in calls:
        abort(404)
    call, success = calls[step]
    return run_and_go_back(call, success, back)


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
    """The kept minutes, or the wait page while a worker makes them (core.documents)."""
    session = programme_access.get_session_for_user(actor(), session_id)
    if session.minutes_at is None:
        abort(404)
    return documents.respond(minutes.request_minutes(session, actor=actor()))


@admin_bp.route("/themes", methods=["POST"])
@permission_required("quality.manage")
def theme_add():
    return run_and_go_back(lambda: themes.add_theme(actor=actor(), label=request.form.get("label")),
                           "Thème ajouté.", url_for("quality_admin.review"))


@admin_bp.route("/themes/<int:theme_id>", methods=["POST"])
@permission_required("quality.manage")
def theme_toggle(theme_id: int):
    theme = db.session.get(QualityTheme, theme_id) or abort(404)
    return run_and_go_back(lambda: themes.set_theme_active(actor=actor(), theme=theme, active=not theme.active),
                           "Liste des thèmes mise à jour.", url_for("quality_admin.review"))
