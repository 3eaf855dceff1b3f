"""Login, password and user forms (Flask-WTF: every form carries a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from crisis_app.core.auth.services import MIN_PASSWORD_LENGTH
from crisis_app.core.roles import Role

REQUIRED = "Ce champ est obligatoire."
ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("Rester connecté sur cet appareil")


class PasswordForm(FlaskForm):
    current = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED)])
    new = PasswordField("Nouveau mot de passe", validators=[
        DataRequired(REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH,
               message=f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")])
    confirm = PasswordField("Confirmez le nouveau mot de passe", validators=[
        DataRequired(REQUIRED), EqualTo("new", message="Les deux mots de passe ne sont pas identiques.")])


class UserCreateForm(FlaskForm):
    full_name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField("Adresse e-mail", validators=[
        DataRequired(REQUIRED), Email("Adresse e-mail invalide.", check_deliverability=False)])
    role = SelectField("Rôle", choices=ROLE_CHOICES, validators=[DataRequired(REQUIRED)])
    password = PasswordField("Mot de passe initial", validators=[
        DataRequired(REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH,
               message=f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.")])


class UserEditForm(FlaskForm):
    full_name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField("Rôle", choices=ROLE_CHOICES, validators=[DataRequired(REQUIRED)])
    active = BooleanField("Compte actif")
