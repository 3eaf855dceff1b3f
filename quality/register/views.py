"""Declaring (signed in, or through the CPTS's public link), one's own declarations, the anonymous follow-up."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from crisis_app.core.access import permission_required, public
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from quality import screening
from quality.register import declaring, forms, keeplink, query, ratelimit, services, vocab

bp = Blueprint("quality", __name__, url_prefix="/qualite")
public_bp = Blueprint("quality_public", __name__)


def show_errors(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's French messages under the fields they name (or at the top of the page)."""
    flash(error.message, "error")
    for name, found in error.fields.items():
        if name in form:
            form[name].errors = [*(form[name].errors or []), *found]


def _once(html: str, status: int = 200):
    """A page holding a secret link: never cached, never sent as a referrer."""
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _declared_page(declared: declaring.Declared):
    if declared.follow_up_secret is None:
        flash(f"Merci : votre déclaration {declared.event.reference} est enregistrée. Un accusé de réception vous "
              "est envoyé.", "success")
        return redirect(url_for("quality.mine"))
    return _kept_link_page(declared.event, declared.follow_up_secret, 201)


def _kept_link_page(event, secret: str, status: int, *, sent_to: bool = False, form=None):
    """The follow-up link with what keeps it: reference, copy button, QR code, "m'envoyer ce lien"."""
    link = url_for("quality_public.follow_up", secret=secret, _external=True)
    return _once(render_template("quality/declared.html", link=link, secret=secret, reference=event.reference,
                                 qr=keeplink.qr_svg(link), sent=sent_to, form=form or forms.ConfirmForm()), status)


def _declaration_page(form: forms.DeclarationForm, *, template_args: dict, submit):
    status, flagged = 200, []
    if form.validate_on_submit():
        try:
            return _declared_page(submit())
        except ServiceError as exc:
            abandon()
            status = exc.status
            show_errors(form, exc)
            flagged = list(dict.fromkeys(f.text for f in getattr(exc, "findings", [])
                                         if f.kind == "name" and not screening.titled(f.text)))
    elif request.method == "POST":
        status = 400
    return render_template("quality/declare.html", form=form, vocab=vocab, flagged_names=flagged,
                           **template_args), status


@bp.route("/declarer", methods=["GET", "POST"])
@permission_required("quality.declare")
def declare():
    form = forms.DeclarationForm()
    return _declaration_page(form, template_args={"public_page": False}, submit=lambda: declaring.declare(
        actor=current_user._get_current_object(), anonymous=form.anonymous.data == "oui", data=form.declaration()))


@bp.route("/mes-declarations")
@permission_required("quality.declare")
def mine():
    return render_template("quality/mine.html", events=query.own_declarations(current_user))


@bp.route("/mes-declarations/<int:event_id>", methods=["GET", "POST"])
@permission_required("quality.declare")
def my_event(event_id: int):
    event = query.get_event_for_user(current_user, event_id)
    if event.declarer_user_id != current_user.id:
        abort(404)
    return _follow_up_page(event, actor=current_user._get_current_object())


def _follow_up_page(event, *, actor):
    form, status = forms.NoteForm(), 200
    if form.validate_on_submit():
        try:
            declaring.add_information(event=event, text=form.text.data, actor=actor)
        except ServiceError as exc:
            abandon()
            status = exc.status
            show_errors(form, exc)
        else:
            flash("Information ajoutée. Merci.", "success")
            return redirect(request.path)
    elif request.method == "POST":
        status = 400
    return _once(render_template("quality/follow_up.html", event=event, form=form), status)


# --- without an account --------------------------------------------------------------------------

def _limited():
    return render_template("errors/error.html", status=429, title="Trop de tentatives",
                           message="Trop de déclarations depuis cette connexion : réessayez dans une heure."), 429


@public_bp.route("/declarer/<token>", methods=["GET", "POST"])
@public
def public_declare(token: str):
    if not services.public_link_valid(token):
        return render_template("errors/error.html", status=404, title="Lien de déclaration inconnu",
                               message="Cette adresse de déclaration n'est plus valable : demandez la nouvelle "
                                       "à la coordination de la CPTS."), 404
    form = forms.PublicDeclarationForm()
    if request.method == "POST" and not ratelimit.allow("declare"):
        return _limited()
    return _declaration_page(form, template_args={"public_page": True, "cpts": current_app.config["CPTS_NAME"]},
                             submit=lambda: declaring.declare(actor=None, anonymous=True, data=form.declaration()))


@public_bp.route("/suivi/envoyer", methods=["POST"])
@public
def send_follow_up_link():
    """Send the follow-up link to an address typed on the spot (the secret comes in the body, never in a URL)."""
    if not ratelimit.allow("follow_up"):
        return _limited()
    form = forms.ConfirmForm()
    secret = request.form.get("secret", "")
    event = declaring.event_for_secret(secret) if form.validate_on_submit() else None
    if event is None:
        return render_template("errors/error.html", status=404, title="Lien de suivi inconnu",
                               message="Ce lien de suivi n'est pas valable."), 404
    link = url_for("quality_public.follow_up", secret=secret, _external=True)
    try:
        keeplink.send_link(address=request.form.get("email", ""), link=link, reference=event.reference)
    except ServiceError as exc:
        flash(exc.message, "error")
        return _kept_link_page(event, secret, exc.status)
    flash("Lien envoyé. L'adresse n'a pas été enregistrée.", "success")
    return _kept_link_page(event, secret, 200, sent_to=True)


@public_bp.route("/suivi/<secret>", methods=["GET", "POST"])
@public
def follow_up(secret: str):
    if request.method == "POST" and not ratelimit.allow("follow_up"):
        return _limited()
    event = declaring.event_for_secret(secret)
    if event is None:
        return render_template("errors/error.html", status=404, title="Lien de suivi inconnu",
                               message="Ce lien de suivi n'est pas valable."), 404
    return _follow_up_page(event, actor=None)
