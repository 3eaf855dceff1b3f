"""Login, password and user forms (Flask-WTF: every form carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from crisis_app.core.auth.services import MIN_PASSWORD_LENGTH
from crisis_app.core.roles import Role
from crisis_app.core.singleline import SingleLine

REQUIRED = "Ce champ est obligatoire."
ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]
# a new account has no role until the coordinator picks one
NEW_ROLE_CHOICES = [SelectChoice("", "— Choisissez un rôle —"), *ROLE_CHOICES]
ROLE_REQUIRED = "Choisissez le rôle du compte."
TOO_SHORT = f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254), SingleLine()])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("Rester connecté sur cet appareil")


class PasswordForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])
    new = PasswordField("Nouveau mot de passe", validators=[
        DataRequired(REQUIRED), Length(min=MIN_PASSWORD_LENGTH, message=TOO_SHORT),
        Length(max=200, message="Le mot de passe compte au plus 200 caractères.")])
    confirm = PasswordField("Confirmez le nouveau mot de passe", validators=[
        DataRequired(REQUIRED), EqualTo("new", message="Les deux mots de passe ne sont pas identiques.")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Adresse e-mail de votre compte", validators=[
        DataRequired(REQUIRED), Length(max=254), SingleLine(),
        Email("Adresse e-mail invalide.", check_deliverability=False)])


class SetPasswordForm(FlaskForm):
    new = PasswordField("Nouveau mot de passe", validators=[
        DataRequired(REQUIRED), Length(min=MIN_PASSWORD_LENGTH, message=TOO_SHORT),
        Length(max=200, message="Le mot de passe compte au plus 200 caractères.")])
    confirm = PasswordField("Confirmez le mot de passe", validators=[
        DataRequired(REQUIRED), EqualTo("new", message="Les deux mots de passe ne sont pas identiques.")])


class UserCreateForm(FlaskForm):
    """No password here: the account's owner chooses it from the invitation sent by e-mail."""

    full_name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=200), SingleLine()])
    email = EmailField("Adresse e-mail", validators=[
        DataRequired(REQUIRED), Length(max=254), SingleLine(),
        Email("Adresse e-mail invalide.", check_deliverability=False)])
    role = SelectField("Rôle", choices=NEW_ROLE_CHOICES, validators=[DataRequired(ROLE_REQUIRED)])


class UserEditForm(FlaskForm):
    full_name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=200), SingleLine()])
    role = SelectField("Rôle", choices=ROLE_CHOICES, validators=[DataRequired(REQUIRED)])
    active = BooleanField("Compte actif")
