"""Login, logout, the user's own account, and the coordinator's user management."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from crisis_app.core import links
from crisis_app.core.access import get_for_user, permission_required, public, require
from crisis_app.core.auth import devices, forms, passwords, profile, services
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import duree, pluriel
from crisis_app.core.models import User

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("core.home")


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = forms.LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if request.method == "POST" else 200
    device = devices.from_request(request)
    result = services.authenticate(email=form.email.data, password=form.password.data,
                                   address=request.remote_addr or "inconnue", device=device)
    if result.blocked:
        flash("Trop de tentatives de connexion échouées : par sécurité, réessayez dans "
              f"{duree(result.retry_after)}.", "error")
        return render_template("auth/login.html", form=form), 429, {"Retry-After": str(result.retry_after)}
    if result.user is None:
        flash("Adresse e-mail ou mot de passe incorrect.", "error")
        return render_template("auth/login.html", form=form), 401
    login_user(result.user, remember=form.remember.data)
    response = redirect(_safe_next(request.args.get("next")))
    devices.remember(response, device, result.user.id)
    return response


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    services.record_logout(user=current_user._get_current_object())
    logout_user()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/mon-compte", methods=["GET", "POST"])
@permission_required("profile.view")
def account():
    form = forms.PasswordForm()
    if form.validate_on_submit():
        try:
            revoked = services.change_password(user=current_user._get_current_object(),
                                               current=form.current.data, new=form.new.data)
        except ServiceError as exc:
            form.current.errors.append(exc.message)
        else:
            # the change ended every session of the account: this device gets a new one (and a new remember
            # token if it had one)
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            message = "Votre mot de passe a été changé ; vos autres appareils devront se reconnecter"
            if revoked:
                message += " et " + pluriel(revoked, "votre jeton d'API est révoqué", "vos jetons d'API sont révoqués",
                                            with_count=False)
            flash(message + ".", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form,
                           linked=profile.linked_to(current_user._get_current_object())), \
        400 if form.errors else 200


FORGOT_ANSWER = ("Si un compte actif utilise cette adresse, un lien pour choisir un nouveau mot de passe vient d'y "
                 "être envoyé ; il est valable 2 heures. Pensez à regarder dans les indésirables.")


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@public
def forgot_password():
    """The same answer whether the address has an account or not; a few requests an hour per address and
    per e-mail."""
    form = forms.ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form), 400 if request.method == "POST" else 200
    if not passwords.request_reset(email=form.email.data, address=request.remote_addr or "inconnue"):
        flash("Trop de demandes de changement de mot de passe : réessayez dans une heure.", "error")
        return render_template("auth/forgot.html", form=form), 429
    return render_template("auth/forgot.html", form=None, sent=FORGOT_ANSWER)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """Choose one's password from an invitation or a "mot de passe oublié" link (once, before it expires)."""
    try:
        user, purpose = passwords.user_for_token(token)
    except links.LinkError as exc:
        return render_template("auth/set_password.html", form=None, error=exc.message), exc.status
    form = forms.SetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.set_password_from_link(token=token, password=form.new.data)
        except (ServiceError, links.LinkError) as exc:
            abandon()
            form.new.errors.append(exc.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash("Votre mot de passe est enregistré : connectez-vous avec lui.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user,
                           invitation=purpose == passwords.INVITATION), 400 if form.errors else 200


@bp.route("/admin/utilisateurs", methods=["GET", "POST"])
@permission_required("users.read")
def users():
    form = forms.UserCreateForm()
    if request.method == "POST":
        require("users.manage")
        if form.validate_on_submit():
            try:
                user = services.create_user(actor=current_user._get_current_object(), **_create_args(form))
            except ServiceError as exc:
                abandon()  # a refused creation (a duplicate met at the flush) leaves the page usable
                form.email.errors.append(exc.message)
            else:
                flash(f"Compte créé pour {user.email} : une invitation à choisir son mot de passe lui est envoyée "
                      "par e-mail (lien valable 72 heures).", "success")
                return redirect(url_for("auth.user_edit", user_id=user.id))
    return render_template("auth/users.html", users=services.list_users(), form=form), \
        400 if form.errors else 200


def _create_args(form: forms.UserCreateForm) -> dict:
    return {"email": form.email.data, "full_name": form.full_name.data, "role": form.role.data}


@bp.route("/admin/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@permission_required("users.manage")
def user_edit(user_id: int):
    user = get_for_user(User, user_id, "users.manage")
    form = forms.UserEditForm(obj=user, role=user.role.value)
    if form.validate_on_submit():
        try:
            services.update_user(actor=current_user._get_current_object(), user=user,
                                 role=form.role.data, active=form.active.data, full_name=form.full_name.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Compte de {user.email} mis à jour.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_edit.html", user=user, form=form, linked=profile.linked_to(user))


@bp.route("/admin/utilisateurs/<int:user_id>/invitation", methods=["POST"])
@permission_required("users.manage")
def resend_invitation(user_id: int):
    """A new invitation (the previous link keeps working until it expires or a password is chosen)."""
    user = get_for_user(User, user_id, "users.manage")
    if not user.active:
        flash("Ce compte est désactivé : réactivez-le avant de renvoyer une invitation.", "error")
    elif passwords.send_invitation(actor=current_user._get_current_object(), user=user):
        flash(f"Invitation renvoyée à {user.email}.", "success")
    else:
        flash("Aucun canal e-mail n'est configuré : l'invitation ne peut pas partir.", "error")
    return redirect(url_for("auth.user_edit", user_id=user.id))
