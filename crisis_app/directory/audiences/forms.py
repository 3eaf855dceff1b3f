"""The form of a new audience (from a search, checked rows or pasted numbers)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField


class AudienceForm(FlaskForm):
    name = StringField("Nom de l'audience")
    description = StringField("Description")
    for_exercises = BooleanField("Pour les exercices")
    kind = HiddenField(default="filter")
    numbers = TextAreaField("Numéros RPPS ou ADELI", description="un par ligne, ou séparés par des virgules")
