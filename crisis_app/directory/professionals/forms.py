"""Forms of a professional's entry, consents, linked account and "Ma fiche"."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, Optional

from crisis_app.core.labels import labels
from crisis_app.directory.forms import choices, plain, select
from crisis_app.directory.professionals.models import Channel, CrisisRole, Membership, StructureType
from crisis_app.directory.professionals.schemas import CIVILITIES
from crisis_app.directory.validation import PROFESSIONS

CONSENT_METHODS = ["formulaire d'adhésion", "formulaire papier", "formulaire en ligne", "par téléphone",
                   "par e-mail", "en réunion"]
PRACTICE_MODES = ["Libéral", "Salarié", "Mixte", "Bénévole"]


class ProfessionalForm(FlaskForm):
    rpps = StringField("Numéro RPPS", description="11 chiffres")
    adeli = StringField("Numéro ADELI", description="9 chiffres, si pas de RPPS")
    civility = select("Civilité", choices({c: c for c in CIVILITIES}, blank="—"))
    last_name = StringField("Nom")
    first_name = StringField("Prénom")
    profession_code = select("Profession", choices(PROFESSIONS, blank="Choisir…"))
    specialty = StringField("Spécialité ou savoir-faire")
    practice_mode = select("Mode d'exercice", choices({m: m for m in PRACTICE_MODES}, blank="—"))
    structure_type = select("Type de structure", choices(labels(StructureType), blank="—"))
    structure_name = StringField("Nom de la structure")
    commune_code = StringField("Code commune INSEE", description="5 caractères, ex. 31555")
    commune_name = StringField("Commune")
    postal_code = StringField("Code postal")
    mobile_phone = TelField("Téléphone mobile", description="pour les SMS ; ex. 06 12 34 56 78")
    mobile_shared = BooleanField("Mobile partagé (cabinet, standard) : d'autres fiches actives ont ce numéro")
    structure_phone = TelField("Téléphone de la structure")
    email = EmailField("Adresse e-mail")
    tags = StringField("Compétences", description="séparées par des virgules : vaccination, pédiatrie…")
    crisis_role = select("Rôle en cas de crise", choices(labels(CrisisRole)))
    membership = select("Statut", choices(labels(Membership)))

    FIELDS = ("rpps", "adeli", "civility", "last_name", "first_name", "profession_code", "specialty",
              "practice_mode", "structure_type", "structure_name", "commune_code", "commune_name", "postal_code",
              "mobile_phone", "structure_phone", "email", "tags", "crisis_role", "membership")

    @classmethod
    def for_professional(cls, professional) -> ProfessionalForm:
        """The form filled from ``professional``'s plain values, so that saving it unchanged changes nothing.

        Never ``obj=professional``: WTForms would then prefer the ORM attributes over any value given, and
        ``tags`` would be the text of ``ProfessionalTag`` objects instead of the skills.
        """
        values = {name: plain(getattr(professional, name)) for name in cls.FIELDS if name != "tags"}
        values["tags"] = ", ".join(professional.skill_list)
        values["mobile_shared"] = professional.mobile_shared
        form = cls(data=values)
        form.allow_current_profession(professional.profession_code, professional.profession)
        form.allow_current_choice(form.practice_mode, professional.practice_mode)
        form.allow_current_choice(form.civility, professional.civility)
        return form

    def allow_current_profession(self, code: str | None, label: str | None) -> None:
        """An imported entry may hold a profession outside the usual list: keep it selectable."""
        if code and code not in PROFESSIONS:
            self.profession_code.choices.append(SelectChoice(code, label or code))

    @staticmethod
    def allow_current_choice(field, value: str | None) -> None:
        """An imported value outside the menu (a practice mode of the Annuaire Santé) stays selected, not blanked."""
        if value and value not in {c.value if isinstance(c, SelectChoice) else c[0] for c in field.choices}:
            field.choices.append(SelectChoice(value, value))

    def payload(self) -> dict:
        data = {name: (getattr(self, name).data or "") for name in self.FIELDS}
        data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        data["mobile_shared"] = bool(self.mobile_shared.data)
        return data


class NewProfessionalForm(ProfessionalForm):
    consent_sms = BooleanField("Accepte d'être alerté par SMS")
    consent_email = BooleanField("Accepte d'être alerté par e-mail")
    consent_method = StringField("Recueilli par", default=CONSENT_METHODS[0])

    def consents(self) -> dict[str, bool]:
        return {channel: True for channel, box in (("sms", self.consent_sms), ("email", self.consent_email))
                if box.data}


class ConsentForm(FlaskForm):
    channel = select("Canal", choices(labels(Channel)))
    granted = select("Décision", choices({"1": "Donne son consentement", "0": "Retire son consentement"}))
    method = StringField("Comment", description="formulaire d'adhésion, par téléphone…")


class LinkUserForm(FlaskForm):
    user_id = select("Compte", [])


class SelfServiceForm(FlaskForm):
    mobile_phone = TelField("Téléphone mobile")
    email = EmailField("Adresse e-mail")
    unavailable_until = DateField("Indisponible jusqu'au (inclus)", validators=[Optional()],
                                  render_kw={"type": "date"})
    availability_note = TextAreaField("Précision sur votre disponibilité")
    consent_sms = BooleanField("J'accepte d'être alerté par SMS")
    consent_email = BooleanField("J'accepte d'être alerté par e-mail")


class ContactCodeForm(FlaskForm):
    """The code sent to a new mobile or e-mail (or the wish to drop that change)."""

    field = HiddenField(validators=[AnyOf(["mobile_phone", "email"], message="Coordonnée inconnue.")])
    code = StringField("Code reçu (6 chiffres)",
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "8"})
    cancel = SubmitField("Annuler ce changement")

    def validate_code(self, field) -> None:
        if self.cancel.data:
            return
        if not (field.data or "").strip():
            raise ValidationError("Saisissez le code reçu.")
        if not re.fullmatch(r"\s*\d{3}\s?\d{3}\s*", field.data):
            raise ValidationError("Le code compte 6 chiffres.")
