"""The contract's form (French labels and messages, CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from crisis_app.contract.models import Mission


class ContractForm(FlaskForm):
    signed_on = DateField("Date de signature du contrat",
                          validators=[InputRequired("Indiquez la date de signature (jj/mm/aaaa).")])
    size = SelectField("Taille de la CPTS", choices=[("1", "Taille 1 (moins de 40 000 habitants)"),
                                                     ("2", "Taille 2 (40 000 à 80 000 habitants)"),
                                                     ("3", "Taille 3 (80 000 à 175 000 habitants)"),
                                                     ("4", "Taille 4 (plus de 175 000 habitants)")],
                       validators=[InputRequired("Choisissez la taille de la CPTS.")])
    over_100_members = BooleanField("Plus de 100 adhérents")
    missions = SelectMultipleField("Missions choisies", choices=[(m.value, m.label) for m in Mission],
                                   option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))

    def data_for_service(self) -> dict:
        return {"signed_on": self.signed_on.data, "size": int(self.size.data) if self.size.data else None,
                "over_100_members": self.over_100_members.data, "missions": self.missions.data or []}


class ButtonForm(FlaskForm):
    """Only the CSRF token: what to act on is in the URL or a hidden field."""
