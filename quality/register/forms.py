"""Quality forms (Flask-WTF, so each carries its CSRF token); the services hold the rules and the French messages."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crisis_app.core.labels import LabelledStrEnum, labels
from quality.register import reference as reference_code
from quality.register import vocab
from quality.register.vocab import DECISIONS


class Day(DateField):
    """A date (AAAA-MM-JJ, as the phone's date picker sends it) whose parsing error is French."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Date invalide (AAAA-MM-JJ attendu).") from None


class WholeNumber(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError("Nombre entier attendu.") from None


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _rating(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _choices(words: type[LabelledStrEnum], blank: str | None = "—") -> list[tuple[str, str]]:
    return ([("", blank)] if blank is not None else []) + list(labels(words).items())


def _select(label: str, words: type[LabelledStrEnum], blank: str | None = "—") -> SelectField:
    # Values are checked by the service, whose messages are French and name the field.
    return SelectField(label, choices=_choices(words, blank), validate_choice=False)


def _radio(label: str, words: type[LabelledStrEnum]) -> RadioField:
    return RadioField(label, choices=list(labels(words).items()), validate_choice=False, validators=[Optional()])


SEVERITY_CHOICES = [(s.value, vocab.severity_choice(s)) for s in vocab.Severity]
LIKELIHOOD_CHOICES = [(s.value, vocab.likelihood_choice(s)) for s in vocab.Likelihood]


class DeclarationForm(FlaskForm):
    occurred_on = Day("Date de l'événement", validators=[Optional()])
    discovered_on = Day("Date de découverte (si différente)", validators=[Optional()])
    place = _select("Lieu", vocab.Place)
    professions = CheckboxList("Professions concernées", choices=list(labels(vocab.Profession).items()),
                               validate_choice=False)
    nature = _select("Nature de l'événement", vocab.Nature)
    reached_patient = _radio("L'événement a-t-il atteint le patient ?", vocab.YesNoUnknown)
    category = _select("Catégorie", vocab.Category)
    description = TextAreaField("Que s'est-il passé ?")
    immediate_measures = TextAreaField("Mesures prises immédiatement")
    barrier = TextAreaField("Qu'est-ce qui (ou qui) a permis de le détecter ou de l'arrêter ? (facultatif)")
    handover = _radio("Un passage de relais (transmission) était-il en jeu ?", vocab.YesNoUnknown)
    avoidability = _select("Était-il évitable ?", vocab.Avoidability)
    patient_informed = _radio("Le patient (ou son entourage) a-t-il été informé ?", vocab.PatientInformed)
    patient_informed_on = Day("Informé le", validators=[Optional()])
    patient_informed_by = StringField("Informé par (fonction, pas de nom : « médecin traitant »…)")
    age_band = _select("Tranche d'âge du patient", vocab.AgeBand)
    sex = _radio("Sexe du patient", vocab.Sex)
    severity = RadioField("Gravité (selon vous)", choices=SEVERITY_CHOICES, coerce=_rating,
                          validate_choice=False, validators=[Optional()])
    likelihood = RadioField("Vraisemblance qu'il se reproduise", choices=LIKELIHOOD_CHOICES,
                            coerce=_rating, validate_choice=False, validators=[Optional()])
    anonymous = RadioField("Déclarer", choices=[("non", "En mon nom (seuls les référents qualité et moi la lisons)"),
                                                ("oui", "Anonymement (rien ne vous identifie ; un lien secret "
                                                        "vous permet de suivre la déclaration)")],
                           default="non", validate_choice=False)

    def declaration(self) -> dict:
        """The values the service expects."""
        return {name: self[name].data for name in (
            "occurred_on", "discovered_on", "place", "professions", "nature", "reached_patient", "category",
            "description", "immediate_measures", "barrier", "handover", "avoidability", "patient_informed",
            "patient_informed_on", "patient_informed_by", "age_band", "sex", "severity", "likelihood")} | {
            "not_persons": request.form.getlist("not_person")}


class PublicDeclarationForm(DeclarationForm):
    """The form of the public page: without an account, a declaration is anonymous."""

    anonymous = None


class NoteForm(FlaskForm):
    text = TextAreaField("Ajouter une information (sans nom ni donnée identifiant le patient)")


class TriageForm(FlaskForm):
    severity = RadioField("Gravité (référent)", choices=SEVERITY_CHOICES, coerce=_rating,
                          validate_choice=False, validators=[Optional()])
    likelihood = RadioField("Vraisemblance (référent)", choices=LIKELIHOOD_CHOICES, coerce=_rating,
                            validate_choice=False, validators=[Optional()])
    decision = RadioField("Décision", choices=[(s.value, s.label) for s in DECISIONS], validate_choice=False,
                          validators=[Optional()])
    duplicate_of_id = StringField(f"Doublon de (code EIAS, par exemple {reference_code.EXAMPLE})",
                                  validators=[Optional()], render_kw={"autocomplete": "off", "maxlength": 20,
                                                                      "placeholder": reference_code.EXAMPLE})
    reason = TextAreaField("Motif (obligatoire pour « non retenu » et, à gravité 4 ou 5, hors EIGS et RMM)")
    feedback = TextAreaField("Retour au déclarant (facultatif, visible sur sa page de suivi)")


class TransitionForm(FlaskForm):
    to = SelectField("Nouvel état", choices=[], validate_choice=False)
    reason = TextAreaField("Motif")
    feedback = TextAreaField("Retour au déclarant (facultatif)")


class FeedbackForm(FlaskForm):
    feedback = TextAreaField("Retour au déclarant")


class EigsForm(FlaskForm):
    part1_sent_on = Day("Partie 1 transmise à l'ARS le", validators=[Optional()])
    ars_reference = StringField("Référence ARS du signalement")
    part2_sent_on = Day("Partie 2 transmise le", validators=[Optional()])


class ZonesForm(FlaskForm):
    acceptable_max = WholeNumber("Acceptable jusqu'à (criticité)", validators=[Optional()])
    unacceptable_min = WholeNumber("Inacceptable à partir de (criticité)", validators=[Optional()])


class ConfirmForm(FlaskForm):
    """A POST with only its CSRF token (renewing the public link)."""
