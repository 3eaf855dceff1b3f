"""Login, logout, the user's own account, and the coordinator's user management."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from crisis_app.core.access import get_for_user, permission_required, public, require
from crisis_app.core.auth import devices, forms, services
from crisis_app.core.db import abandon
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import duree
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
            services.change_password(user=current_user._get_current_object(), current=form.current.data,
                                     new=form.new.data)
        except ServiceError as exc:
            form.current.errors.append(exc.message)
        else:
            # the change ended every session of the account: this device gets a new one (and a new remember
            # token if it had one)
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash("Votre mot de passe a été changé ; vos autres appareils devront se reconnecter.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), 400 if form.errors else 200


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
                flash(f"Compte créé pour {user.email}.", "success")
                return redirect(url_for("auth.users"))
    return render_template("auth/users.html", users=services.list_users(), form=form), \
        400 if form.errors else 200


def _create_args(form: forms.UserCreateForm) -> dict:
    return {"email": form.email.data, "full_name": form.full_name.data, "role": form.role.data,
            "password": form.password.data}


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
    return render_template("auth/user_edit.html", user=user, form=form)
