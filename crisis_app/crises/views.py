"""Crisis pages: open, follow, change level, activate the cellule, close; the banner and the home card.

The journal and board pages are in views_journal.py, the RETEX pages in views_retex.py (same blueprint).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.alerts import services as alert_services
from crisis_app.core.access import get_for_user, permission_required
from crisis_app.core.db import abandon, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.home import Card, card_provider
from crisis_app.core.outcome import refusal_text
from crisis_app.core.roles import Role
from crisis_app.core.timez import PARIS, paris_datetime, to_paris
from crisis_app.core.vocabulary import Gradation, Typology
from crisis_app.crises import alert_link, cellule, plan_link, services
from crisis_app.crises.models import Authority, Crisis
from crisis_app.crises.schemas import MAX_ID
from crisis_app.directory.professionals import services as directory_services

bp = Blueprint("crises", __name__, url_prefix="/crises")


def actor():
    return current_user._get_current_object()


def crisis_for(crisis_id: int, permission: str = "crisis.read") -> Crisis:
    return get_for_user(Crisis, bounded(crisis_id), permission)


def bounded(object_id: int) -> int:
    """An id the database can hold, else 404 (SQLite overflows past 2**63, PostgreSQL's integer is 32 bits)."""
    if object_id > MAX_ID:
        abort(404)
    return object_id


@bp.app_context_processor
def inject_crisis_banner():
    if not getattr(current_user, "is_authenticated", False):  # no user at all: a PDF rendered outside a request
        return {}
    crises = services.open_crises()
    real = [c for c in crises if not c.is_exercise]
    exercises = [c for c in crises if c.is_exercise]
    return {"active_crises": real, "active_exercises": exercises,
            "active_crisis": real[0] if real else None, "active_exercise": exercises[0] if exercises else None,
            "show_crisis_banner": True}


@card_provider("crisis.read", order=0)
def _crisis_card(user):
    """One card per open crisis (two crises at once show as two), exercises apart, below them."""
    crises = services.open_crises()
    real = [c for c in crises if not c.is_exercise]
    if not real:
        yield Card(title="Crise sanitaire", value="Aucune crise active", tone="ok", detail="Vigie est en veille.",
                   url=url_for("crises.index"))
    for crisis in real:
        yield Card(title="Crise sanitaire", value=crisis.gradation_label, tone="alert", urgent=True,
                   detail=f"{crisis.title} — {crisis.typology_label}, ouverte le {paris_datetime(crisis.opened_at)}",
                   url=url_for("crises.detail", crisis_id=crisis.id), action="Suivre la crise")
    for crisis in crises:
        if crisis.is_exercise:
            yield Card(title="Exercice en cours", value=crisis.gradation_label, tone="neutral",
                       detail=f"{crisis.title} — {crisis.typology_label}, ouvert le "
                              f"{paris_datetime(crisis.opened_at)}",
                       url=url_for("crises.detail", crisis_id=crisis.id), action="Suivre l'exercice")


def _days_since(moment) -> str:
    days = (to_paris(utcnow()).date() - to_paris(moment).date()).days
    return "aujourd'hui" if days == 0 else "hier" if days == 1 else f"il y a {pluriel(days, 'jour', 'jours')}"


@card_provider("crisis.manage", order=1)
def _referent_todo_cards(user):
    """What the référent has to do now: silent or absent cellule members and needs not covered, per open crisis;
    a RETEX to write, validate or send per closed crisis."""
    from crisis_app.crises import needs, retex

    for crisis in services.open_crises():
        absent = cellule.absent(crisis) if cellule.latest(crisis) else []
        if absent:
            declined = sum(1 for r in absent if r["state"] == "declined")
            yield Card(title=f"Cellule : {crisis.title}", tone="warn",
                       value=f"{pluriel(len(absent), 'membre absent ou silencieux', 'membres absents ou silencieux')}",
                       detail=", ".join(r["name"] for r in absent[:5])
                       + (f" ({pluriel(declined, 'refus', 'refus')})" if declined else ""),
                       url=url_for("crises.cell", crisis_id=crisis.id), action="Appeler un suppléant")
        open_needs = [n for n in needs.needs_of(crisis) if n.status.value in ("identified", "in_progress")]
        if open_needs:
            yield Card(title=f"Besoins non couverts : {crisis.title}", tone="warn",
                       value=pluriel(len(open_needs), "besoin à couvrir", "besoins à couvrir"),
                       detail=", ".join(n.title for n in open_needs[:4]),
                       url=url_for("crises.board_page", crisis_id=crisis.id), action="Voir les besoins")
    for crisis, evaluation in retex.pending_evaluations():
        step = {"draft": "à rédiger", "validated": "à envoyer"}[evaluation.status.value]
        yield Card(title=f"RETEX {step} : {crisis.title}", tone="warn",
                   value=f"Close {_days_since(crisis.closed_at)}",
                   detail=f"{'Exercice' if crisis.is_exercise else 'Crise'} close le {paris_datetime(crisis.closed_at)}"
                          " : le retour d'expérience est attendu par l'ARS.",
                   url=url_for("crises.retex_page", crisis_id=crisis.id),
                   action="Rédiger le RETEX" if step == "à rédiger" else "Envoyer le RETEX")


@card_provider("crisis.evaluation.read", order=2)
def _evaluations_received_cards(user):
    """The ARS observer (and who reads without writing) finds each evaluation sent, with its link."""
    if user.may("crisis.manage"):
        return
    from crisis_app.crises import retex

    sent = retex.sent_evaluations(limit=5)
    if not sent:
        if user.role is Role.ARS_OBSERVER:
            yield Card(title="Évaluations reçues (RETEX)", value="Aucune pour l'instant",
                       detail="Chaque retour d'expérience envoyé par la CPTS s'affichera ici, avec son lien.")
        return
    for crisis, evaluation in sent:
        day = "%d/%m/%Y"
        yield Card(title=f"RETEX : {crisis.title}", value=f"Envoyé le {paris_datetime(evaluation.sent_at, day)}",
                   detail=f"{'Exercice' if crisis.is_exercise else 'Crise'} du {paris_datetime(crisis.opened_at, day)}"
                          f" au {paris_datetime(crisis.closed_at, day)} · {crisis.typology_label}",
                   url=url_for("crises.retex_page", crisis_id=crisis.id), action="Lire le retour d'expérience")


@bp.app_template_filter("paris_iso")
def paris_iso(value: str | None) -> str:
    """An ISO 8601 time stored in a JSON document (RETEX figures), shown in Paris time."""
    return paris_datetime(datetime.fromisoformat(value)) if value else ""


def _paris_input(value: str | None) -> datetime | None:
    """A ``datetime-local`` field, typed in Paris time, as an aware UTC datetime."""
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=PARIS).astimezone(UTC)


def _int(value: str | None) -> int | str | None:
    value = (value or "").strip()
    digits = value.removeprefix("-")
    return int(value) if digits.isascii() and digits.isdigit() and len(digits) < 10 else (value or None)


def _choices() -> dict:
    return {"typologies": Typology, "authorities": Authority, "gradations": Gradation}


@bp.route("/")
@permission_required("crisis.read")
def index():
    return render_template("crises/index.html", crises=services.list_crises())


@bp.route("/nouvelle", methods=["GET", "POST"])
@permission_required("crisis.manage")
def open_form():
    if request.method == "GET":
        return render_template("crises/open.html", form={"gradation": "1"}, errors={}, **_choices())
    form = request.form
    try:
        crisis = services.open_crisis(
            actor=actor(), title=form.get("title", ""), typology=_int(form.get("typology")),
            gradation=_int(form.get("gradation")), authority=form.get("authority") or None,
            authority_reference=form.get("authority_reference"), is_exercise=form.get("is_exercise") == "on",
            qualified_at=_paris_input(form.get("qualified_at")))
    except (ServiceError, ValueError, OverflowError) as exc:
        abandon()
        error = exc if isinstance(exc, ServiceError) else ServiceError(
            "validation_error", "Date de qualification invalide.", field="qualified_at")
        flash(error.message, "error")
        return render_template("crises/open.html", form=form, errors=error.fields, **_choices()), 400
    flash("Crise ouverte." if not crisis.is_exercise else "Exercice ouvert.", "success")
    return redirect(url_for("crises.detail", crisis_id=crisis.id))


@bp.route("/<int:crisis_id>")
@permission_required("crisis.read")
def detail(crisis_id: int):
    crisis = crisis_for(crisis_id)
    return render_template("crises/detail.html", crisis=crisis, timeline=services.level_changes(crisis),
                           section=plan_link.typology_section(crisis.typology, crisis.gradation),
                           presets=plan_link.presets_for(crisis.typology, crisis.gradation),
                           gradations=Gradation, activation=cellule.latest(crisis),
                           running_alerts=alert_services.running_alerts_of_crisis(crisis.id) if crisis.active else [],
                           end_text=alert_services.crisis_end_text(crisis.title),
                           retex_reminder=_retex_reminder(crisis), situation_proposed=_situation_proposed(crisis))


def _situation_proposed(crisis: Crisis):
    """The gradation change no point de situation followed yet, for who may write one."""
    from crisis_app.crises import situation

    return situation.proposed_after(crisis) if current_user.may("crisis.situation.write") else None


def _retex_reminder(crisis: Crisis) -> dict | None:
    """After the close: where the RETEX stands, and since when the crisis is closed."""
    if crisis.active:
        return None
    from crisis_app.crises import retex

    evaluation = retex.evaluation_of(crisis)
    return {"status": evaluation.status.value, "label": evaluation.status.label, "since": _days_since(crisis.closed_at)}


@bp.route("/<int:crisis_id>/niveau", methods=["GET", "POST"])
@permission_required("crisis.manage")
def level(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    target = _int(request.values.get("gradation"))
    if request.method == "POST" and not confirmed() and target in set(Gradation) and target < crisis.gradation \
            and (request.form.get("reason") or "").strip():
        return confirm_page(
            crisis=crisis, heading="Abaisser le niveau",
            sentence=f"La crise « {crisis.title} » passera de {crisis.gradation_label.lower()} à "
                     f"{Gradation(target).label.lower()} : les mesures du plan pour "
                     f"{crisis.gradation_label.lower()} ne s'appliquent plus, et le changement est inscrit au "
                     f"journal de bord.",
            details=[f"Motif : {request.form.get('reason', '').strip()}",
                     "Les personnes déjà alertées ne sont pas prévenues automatiquement : envoyez-leur une "
                     "information si besoin."],
            action=url_for("crises.level", crisis_id=crisis.id), confirm_label="Confirmer la baisse de niveau",
            back=url_for("crises.detail", crisis_id=crisis.id),
            hidden={"gradation": str(target), "reason": request.form.get("reason", "")})
    if request.method == "POST":
        try:
            services.change_level(actor=actor(), crisis=crisis, gradation=target, reason=request.form.get("reason"))
        except ServiceError as exc:
            abandon()
            flash(exc.message, "error")
            return _level_page(crisis, target, exc.fields), exc.status
        flash(f"Niveau changé : {crisis.gradation_label}. Mesures du plan et modèles d'alerte ci-dessous.", "success")
        return redirect(url_for("crises.detail", crisis_id=crisis.id, _anchor="niveau"))
    return _level_page(crisis, target, {})


def _level_page(crisis: Crisis, target, errors: dict):
    valid = target in set(Gradation)
    return render_template("crises/level.html", crisis=crisis, target=target if valid else None, errors=errors,
                           gradations=Gradation,
                           section=plan_link.typology_section(crisis.typology, target) if valid else None,
                           presets=plan_link.presets_for(crisis.typology, target) if valid else [])


def confirm_page(*, crisis: Crisis | None, heading: str, sentence: str, action: str, confirm_label: str,
                 back: str, hidden: dict | None = None, details: list[str] | None = None,
                 template: str = "crises/confirm.html", **context):
    """The step before an irreversible change: one sentence saying what happens and to whom, then "Confirmer"."""
    return render_template(template, crisis=crisis, heading=heading, sentence=sentence, action=action,
                           confirm_label=confirm_label, back=back, hidden=list((hidden or {}).items()),
                           details=details or [], **context)


def confirmed() -> bool:
    return request.form.get("confirm") == "1"


@bp.route("/<int:crisis_id>/cloture", methods=["POST"])
@permission_required("crisis.manage")
def close(crisis_id: int):
    crisis = crisis_for(crisis_id, "crisis.manage")
    reason = request.form.get("reason", "")
    notify = request.form.get("notify_end") == "1"
    if not confirmed():
        if not reason.strip():
            flash("Le motif de la clôture est obligatoire.", "error")
            return redirect(url_for("crises.detail", crisis_id=crisis.id)), 303
        running = alert_services.running_alerts_of_crisis(crisis.id)
        people = sum(len(a.recipients) for a in running)
        end_message = (request.form.get("end_message") or "").strip() or alert_services.crisis_end_text(crisis.title)
        details = [f"Motif : {reason.strip()}"]
        if running:
            details.append(f"{pluriel(len(running), 'alerte en cours arrêtée', 'alertes en cours arrêtées')} "
                           f"aussitôt : plus de relance, plus de réponse attendue.")
            details.append(f"Message de fin envoyé à {pluriel(people, 'personne alertée', 'personnes alertées')} : "
                           f"« {end_message} »" if notify else "Aucun message de fin n'est envoyé.")
        details.append("Le retour d'expérience sera ensuite à rédiger, puis à envoyer à l'ARS.")
        return confirm_page(
            crisis=crisis, heading="Clore la crise",
            sentence=f"La crise « {crisis.title} » sera close maintenant : elle ne pourra plus changer de niveau, "
                     f"ni recevoir d'alerte.",
            details=details, action=url_for("crises.close", crisis_id=crisis.id),
            confirm_label="Confirmer la clôture", back=url_for("crises.detail", crisis_id=crisis.id),
            hidden={"reason": reason, "notify_end": "1" if notify else "", "end_message": end_message})
    try:
        services.close_crisis(actor=actor(), crisis=crisis, reason=reason, notify_end=notify,
                              end_message=request.form.get("end_message"))
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return redirect(url_for("crises.detail", crisis_id=crisis.id)), 303
    flash("Crise close. Il reste à rédiger le retour d'expérience, puis à l'envoyer à l'ARS.", "success")
    return redirect(url_for("crises.retex_page", crisis_id=crisis.id))


@bp.route("/<int:crisis_id>/cellule", methods=["GET", "POST"])
@permission_required("crisis.read")
def cell(crisis_id: int):
    crisis = crisis_for(crisis_id)
    status = 200
    if request.method == "POST":
        crisis = crisis_for(crisis_id, "crisis.manage")
        ids = [int(i) for i in request.form.getlist("professional_ids")
               if i.isascii() and i.isdigit() and int(i) <= MAX_ID]
        try:
            cellule.activate(actor=actor(), crisis=crisis, professional_ids=ids)
            flash("Cellule de crise activée : les membres sont alertés.", "success")
            return redirect(url_for("crises.cell", crisis_id=crisis.id))
        except ServiceError as exc:
            abandon()
            flash(exc.message, "error")
            status = exc.status
    activation = cellule.latest(crisis)
    return render_template("crises/cell.html", crisis=crisis, activation=activation,
                           roll=cellule.roll_call(crisis) if activation else [],
                           candidates=cellule.candidates(crisis) if crisis.active else []), status


@bp.route("/<int:crisis_id>/cellule/suppleant", methods=["POST"])
@permission_required("crisis.manage")
def call_backup(crisis_id: int):
    """One tap: alert the suppléant (or the next backup) of a member who declined or stays silent."""
    crisis = crisis_for(crisis_id, "crisis.manage")
    member = _int(request.form.get("professional_id"))
    if not isinstance(member, int) or not 0 < member <= MAX_ID:
        flash("Membre inconnu.", "error")
        return redirect(url_for("crises.cell", crisis_id=crisis.id)), 303
    try:
        activation = cellule.call_backup(actor=actor(), crisis=crisis, professional_id=member)
    except ServiceError as exc:
        abandon()
        flash(refusal_text(exc), "error")
    else:
        flash(f"{activation.members[0].name} est alerté(e) à la place du membre absent.", "success")
    return redirect(url_for("crises.cell", crisis_id=crisis.id)), 303


@bp.route("/en-cours")
@permission_required("crisis.status")
def status():
    """What every professional may see: whether a crisis is on, and what they were asked during it."""
    crises = services.open_crises()
    person = directory_services.professional_for_user(actor())
    asked = {c.id: alert_link.asked_of(person.id, c.id) if person else [] for c in crises}
    return render_template("crises/status.html", crises=crises, asked=asked, person=person)


from crisis_app.crises import (  # noqa: E402, F401 - routes on the same blueprint
    views_journal,
    views_public,
    views_retex,
    views_situation,
)
