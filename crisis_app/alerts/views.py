"""Pages: compose (with a last look before sending), list, follow an alert live person by person; the public
answer page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from crisis_app.alerts import followup, links, offer, services
from crisis_app.alerts import history as alert_history
from crisis_app.alerts.mobilisation import figures as mobilisation_figures
from crisis_app.alerts.mobilisation import forms as mobilisation_forms
from crisis_app.alerts.mobilisation.services import answer_notice
from crisis_app.alerts.models import Alert, AlertRecipient, AlertStatus
from crisis_app.alerts.rules import render, sms_size
from crisis_app.core import crisis_context, gsm, presets
from crisis_app.core.access import get_for_user, permission_required, public
from crisis_app.core.csvexport import csv_response
from crisis_app.core.db import abandon, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.labels import label_of, labels
from crisis_app.core.notifications import failover
from crisis_app.core.notifications.models import PURPOSE_END, Delivery, DeliveryPurpose, DeliveryState
from crisis_app.core.notifications.registry import available_channels
from crisis_app.core.pagination import contains, page_number, paginate
from crisis_app.core.vocabulary import BUILT_IN_BY_KEY, BUILT_IN_PRESETS, Gradation, after_answer
from crisis_app.directory.audiences.services import list_audiences, reach
from crisis_app.directory.professionals.models import Professional
from crisis_app.directory.validation import PROFESSIONS

bp = Blueprint("alerts", __name__, url_prefix="/alertes")
answer_bp = Blueprint("answers", __name__)
DEFAULT_ESCALATION = {"escalation_minutes": "10", "escalation_max": "1"}


@bp.route("/")
@permission_required("alerts.read")
def index():
    alerts = db.session.scalars(sa.select(Alert).order_by(Alert.created_at.desc()).limit(100)).all()
    return render_template("alerts/index.html", alerts=alerts,
                           counts=services.answer_summaries([a.id for a in alerts]))


def _audience_choices() -> list[dict]:
    return [{"audience": a, "reach": reach(a)} for a in list_audiences()]


def _offered_templates(crisis) -> list:
    """The published plan's presets for the crisis's typology and gradation (and the built-in ones for no
    typology, such as a plain information), else the built-in presets."""
    offered = presets.presets(crisis.typology if crisis else None, crisis.gradation if crisis else None)
    return [*offered, *(p for p in BUILT_IN_PRESETS if p.typology is None)] if offered else list(BUILT_IN_PRESETS)


NO_CRISIS = "aucune"  # the composer's explicit "no crisis" when several are open


def _chosen_crisis(value: str | None):
    """The crisis the alert is for: the one named (``?crise=`` or the form), else the only open one; None when
    several are open and none was named (the composer then asks), or when none is open."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) < 10:
        crisis = crisis_context.get(int(value))
        if crisis is not None and crisis.active:
            return crisis
    if value == NO_CRISIS:
        return None
    return crisis_context.only_open_crisis()


def _compose_context(form: dict, errors: dict | None = None) -> dict:
    crisis = _chosen_crisis(str(form.get("crisis_id") or ""))
    open_crises = crisis_context.open_crises()
    return {"form": form, "errors": errors or {}, "templates": _offered_templates(crisis),
            "audiences": _audience_choices(), "channels": available_channels(), "crisis": crisis,
            "open_crises": open_crises, "must_choose": len(open_crises) > 1, "no_crisis": NO_CRISIS,
            "size": sms_size(form.get("sms_text", "")), "gsm": gsm.check(form.get("sms_text", "")),
            "gsm_name": gsm.describe, "gradation_label": lambda g: label_of(Gradation, g),
            "professions": mobilisation_forms.professions(),
            "mobilisation": form if form.get("quota_rows") else mobilisation_forms.echo(MultiDict())}


def _template_form(key: str | None, crisis_value: str | None) -> dict:
    crisis = _chosen_crisis(crisis_value)
    template = {t.key: t for t in _offered_templates(crisis)}.get(key or "") or BUILT_IN_BY_KEY.get(key or "")
    base = {"channels": ["sms", "email"], "question": "availability", **DEFAULT_ESCALATION,
            "crisis_id": str(crisis.id) if crisis else (crisis_value or "")}
    if template is None:
        return base
    values = {"cpts": current_app.config["CPTS_NAME"], "titre": template.title,
              "gradation": str(crisis.gradation if crisis else template.gradation or "")}
    return {**base, "template": template.key, "title": template.title, "sms_text": render(template.sms, values),
            "email_text": render(template.email, values), "question": template.question}


def _form_data() -> dict:
    form = request.form
    data = {k: form.get(k, "") for k in ("title", "sms_text", "email_text", "question")}
    data["channels"] = form.getlist("channels")
    data["is_exercise"] = form.get("is_exercise") in {"on", "1"}
    data["allow_comment"] = True
    for key in ("audience_id", "crisis_id", "escalation_minutes", "escalation_max"):
        value = form.get(key, "").strip()
        if key == "crisis_id" and value == NO_CRISIS:
            continue
        if value:
            data[key] = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value
    if data.get("escalation_max") == 0:
        data.pop("escalation_minutes", None)
    return {**data, **mobilisation_forms.parse(form)}


@bp.route("/nouvelle", methods=["GET", "POST"])
@permission_required("alerts.send")
def compose():
    """Write → check the exact messages and figures → confirm: nothing leaves on a single tap."""
    if request.method == "GET":
        return render_template("alerts/compose.html", **_compose_context(
            _template_form(request.args.get("modele"), request.args.get("crise"))))
    data, action = _form_data(), request.form.get("action")
    form = {**request.form.to_dict(), **data, **mobilisation_forms.echo(request.form)}
    if action == "gsm":  # replace what turns the SMS into UCS-2, then show the form again
        form["sms_text"] = gsm.replace(form.get("sms_text", ""))
        return render_template("alerts/compose.html", **_compose_context(form))
    if action == "preview":
        return render_template("alerts/compose.html", **_compose_context(form))
    if not request.form.get("crisis_id", "").strip() and len(crisis_context.open_crises()) > 1:
        # several crises are open: the alert names its crisis (or says it has none), never the newest by default
        flash("Plusieurs crises sont ouvertes : choisissez la crise de cette alerte (ou « aucune »).", "error")
        return render_template("alerts/compose.html", **_compose_context(
            form, {"crisis_id": ["Choisissez la crise de cette alerte."]})), 400
    try:
        if action != "send":
            return render_template("alerts/confirm.html", form=form, professions_by_code=PROFESSIONS,
                                   preview=services.preview(actor=current_user._get_current_object(), data=data))
        alert = services.send_alert(actor=current_user._get_current_object(), data=data)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
        return render_template("alerts/compose.html", **_compose_context(form, exc.fields)), 400
    flash(f"Alerte envoyée à {len(alert.recipients)} personne(s).", "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


def _people_query(alert: Alert, *, silent: bool, search: str = "") -> sa.Select:
    """One row per person: who has not answered first, then by name (``search``: in the name or the mobile)."""
    query = (sa.select(AlertRecipient).where(AlertRecipient.alert_id == alert.id)
             .order_by(AlertRecipient.answered_at.isnot(None), AlertRecipient.name, AlertRecipient.id))
    if silent:
        query = query.where(AlertRecipient.answered_at.is_(None))
    if search:
        query = query.where(sa.or_(contains(AlertRecipient.name, search),
                                   contains(AlertRecipient.mobile_phone, search)))
    return query


def _people(alert: Alert, *, silent: bool) -> list[AlertRecipient]:
    return list(db.session.scalars(_people_query(alert, silent=silent)))


def _deliveries_by_person(alert: Alert) -> tuple[dict[int, list[Delivery]], list[Delivery]]:
    """Deliveries grouped by outbox recipient, and the room deliveries (no person)."""
    if not alert.message_id:
        return {}, []
    rows = db.session.scalars(sa.select(Delivery).where(Delivery.message_id == alert.message_id)
                              .order_by(Delivery.id)).all()
    by_person: dict[int, list[Delivery]] = {}
    rooms = []
    for d in rows:
        (by_person.setdefault(d.recipient_id, []) if d.recipient_id else rooms).append(d)
    return by_person, rooms


DETAIL_ROWS = 50  # people per page: an alert to 186 people is 4 pages with a search, not 40,000 px


@bp.route("/<int:alert_id>")
@permission_required("alerts.read")
def detail(alert_id: int):
    alert = get_for_user(Alert, alert_id, "alerts.read")
    silent = request.args.get("sans_reponse") == "1"
    search = " ".join(request.args.get("q", "").split())[:100]
    page = paginate(_people_query(alert, silent=silent, search=search), page=page_number(request.args),
                    per_page=DETAIL_ROWS)
    by_person, rooms = _deliveries_by_person(alert)
    return render_template("alerts/detail.html", alert=alert, counts=services.counts(alert),
                           offer=offer.of_alert(alert),
                           people=page.items, pager=page, search=search, by_person=by_person,
                           rooms=rooms, state_labels=labels(DeliveryState),
                           purpose_labels=labels(DeliveryPurpose),
                           mobilisation=mobilisation_figures.follow_up(alert),
                           providers=failover.message_providers(alert.message_id, utcnow()) if alert.message_id
                           else None,
                           silent=silent,
                           live=alert.status is AlertStatus.ACTIVE, default_end=_default_end(alert))


def _default_end(alert: Alert) -> str:
    return "Merci de votre mobilisation : l'alerte est terminée."


@bp.route("/<int:alert_id>/export.csv")
@permission_required("alerts.read")
def export(alert_id: int):
    alert = get_for_user(Alert, alert_id, "alerts.read")
    by_person, _ = _deliveries_by_person(alert)

    def rows():
        for r in _people(alert, silent=False):
            deliveries = [d for d in by_person.get(r.message_recipient_id, []) if d.purpose != PURPOSE_END]
            yield [r.name, r.mobile_phone, r.email,
                   ", ".join(f"{services.CHANNEL_NAMES.get(d.channel, d.channel)} : {d.state.label}"
                             for d in deliveries),
                   alert.answer_label(r.answer_code, r.answer_value), r.answer_comment, r.answered_at,
                   r.unavailable_until]

    return csv_response(f"alerte-{alert.id}.csv", ["Personne", "Mobile", "E-mail", "Envois", "Réponse",
                                                   "Commentaire", "Répondu le", "Indisponible jusqu'au"], rows())


@bp.route("/<int:alert_id>/annuler", methods=["POST"])
@permission_required("alerts.send")
def cancel(alert_id: int):
    alert = get_for_user(Alert, alert_id, "alerts.send")
    try:
        held = services.cancel_alert(actor=current_user._get_current_object(), alert=alert)
    except ServiceError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Alerte annulée : {held} message(s) retenu(s).", "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


@bp.route("/<int:alert_id>/fin", methods=["POST"])
@permission_required("alerts.send")
def end(alert_id: int):
    """The end of the alert goes to everyone alerted: a last look first, then the confirmed send."""
    alert = get_for_user(Alert, alert_id, "alerts.send")
    text = request.form.get("text", "")
    if request.form.get("action") != "send":
        return render_template("alerts/end_confirm.html", alert=alert, text=text,
                               preview=services.end_preview(alert=alert, text=text))
    try:
        sent = services.end_alert(actor=current_user._get_current_object(), alert=alert, text=text)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
    else:
        flash(f"Message de fin d'alerte envoyé ({sent}).", "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


@bp.route("/<int:alert_id>/completer", methods=["POST"])
@permission_required("alerts.send")
def complement(alert_id: int):
    """A follow-up message on the running alert: a last look first, then the confirmed send."""
    alert = get_for_user(Alert, alert_id, "alerts.send")
    text = request.form.get("text", "")
    try:
        if request.form.get("action") != "send":
            return render_template("alerts/complement_confirm.html", alert=alert,
                                   preview=followup.preview(alert=alert, text=text))
        done = followup.complement_alert(actor=current_user._get_current_object(), alert=alert, text=text)
    except ServiceError as exc:
        abandon()
        flash(exc.message, "error")
    else:
        flash(f"Complément envoyé à {done['sent_to']} personne(s), dont {done['added']} ajoutée(s) à l'alerte.",
              "success")
    return redirect(url_for("alerts.detail", alert_id=alert.id))


@bp.route("/personnes/<int:professional_id>")
@permission_required("alerts.history")
def history(professional_id: int):
    """One person's answers over the year (asked, answered, available, median time): the référents' view."""
    person = get_for_user(Professional, professional_id, "alerts.history")
    return render_template("alerts/history.html", person=person, **alert_history.person_year(person.id))


@answer_bp.route("/r/<token>", methods=["GET", "POST"])
@public
def answer(token: str):
    try:
        recipient = links.recipient_for_token(token)
    except links.LinkError as exc:
        return render_template("alerts/answer_error.html", message=exc.message), exc.status
    alert = recipient.alert
    closed = services.answer_refusal(alert)
    if request.method == "POST":
        code = request.form.get("code", "")
        try:
            services.record_answer(recipient=recipient, code=code, comment=request.form.get("comment"), via="lien",
                                   value=request.form.get(f"value_{code}"))
        except ServiceError as exc:
            abandon()
            return render_template("alerts/answer.html", recipient=recipient, alert=alert, closed=closed,
                                   error=exc.message), exc.status
        crisis = crisis_context.get(alert.crisis_id) if alert.crisis_id else None
        return render_template("alerts/answer.html", recipient=recipient, alert=alert, thanks=True, crisis=crisis,
                               next_step=after_answer(alert.question_kind.value, recipient.answer_code))
    return render_template("alerts/answer.html", recipient=recipient, alert=alert, closed=closed), \
        410 if closed and alert.asks else 200


@answer_bp.app_template_global("quota_notice")
def _quota_notice(recipient: AlertRecipient) -> str | None:
    return answer_notice(recipient)


@bp.app_template_filter("tel")
def _tel(number: str | None) -> str:
    return f"tel:{number}" if number else ""

