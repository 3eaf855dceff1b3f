"""Directory forms. They only carry the fields (and the CSRF token): the schemas validate, so the UI and the
API refuse the same things with the same French messages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import Optional

from crisis_app.directory.models import (
    CHANNEL_LABELS,
    CRISIS_ROLE_LABELS,
    MEMBERSHIP_LABELS,
    ORGANISATION_LABELS,
    STRUCTURE_LABELS,
)
from crisis_app.directory.professionals_schemas import CIVILITIES
from crisis_app.directory.validation import PROFESSIONS

CONSENT_METHODS = ["formulaire d'adhésion", "formulaire papier", "formulaire en ligne", "par téléphone",
                   "par e-mail", "en réunion"]
PRACTICE_MODES = ["Libéral", "Salarié", "Mixte", "Bénévole"]


def _choices(labels: dict, *, blank: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(str(getattr(k, "value", k)), v) for k, v in labels.items()]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def _plain(value):
    """A value as a form shows it: an enum's value, ``""`` for nothing."""
    if value is None:
        return ""
    return value.value if hasattr(value, "value") else value


def _select(label: str, choices: list[SelectChoice], **kwargs) -> SelectField:
    # the schemas judge the value, with French messages; the form only offers the choices
    return SelectField(label, choices=choices, validate_choice=False, **kwargs)


class ProfessionalForm(FlaskForm):
    rpps = StringField("Numéro RPPS", description="11 chiffres")
    adeli = StringField("Numéro ADELI", description="9 chiffres, si pas de RPPS")
    civility = _select("Civilité", _choices({c: c for c in CIVILITIES}, blank="—"))
    last_name = StringField("Nom")
    first_name = StringField("Prénom")
    profession_code = _select("Profession", _choices(PROFESSIONS, blank="Choisir…"))
    specialty = StringField("Spécialité ou savoir-faire")
    practice_mode = _select("Mode d'exercice", _choices({m: m for m in PRACTICE_MODES}, blank="—"))
    structure_type = _select("Type de structure", _choices(STRUCTURE_LABELS, blank="—"))
    structure_name = StringField("Nom de la structure")
    commune_code = StringField("Code commune INSEE", description="5 caractères, ex. 31555")
    commune_name = StringField("Commune")
    postal_code = StringField("Code postal")
    mobile_phone = TelField("Téléphone mobile", description="pour les SMS ; ex. 06 12 34 56 78")
    structure_phone = TelField("Téléphone de la structure")
    email = EmailField("Adresse e-mail")
    tags = StringField("Compétences", description="séparées par des virgules : vaccination, pédiatrie…")
    crisis_role = _select("Rôle en cas de crise", _choices(CRISIS_ROLE_LABELS))
    membership = _select("Statut", _choices(MEMBERSHIP_LABELS))

    FIELDS = ("rpps", "adeli", "civility", "last_name", "first_name", "profession_code", "specialty",
              "practice_mode", "structure_type", "structure_name", "commune_code", "commune_name", "postal_code",
              "mobile_phone", "structure_phone", "email", "tags", "crisis_role", "membership")

    @classmethod
    def for_professional(cls, professional) -> ProfessionalForm:
        """The form filled from ``professional``'s plain values, so that saving it unchanged changes nothing.

        Never ``obj=professional``: WTForms would then prefer the ORM attributes over any value given, and
        ``tags`` would be the text of ``ProfessionalTag`` objects instead of the skills.
        """
        values = {name: _plain(getattr(professional, name)) for name in cls.FIELDS if name != "tags"}
        values["tags"] = ", ".join(professional.skill_list)
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
        return data


class NewProfessionalForm(ProfessionalForm):
    consent_sms = BooleanField("Accepte d'être alerté par SMS")
    consent_email = BooleanField("Accepte d'être alerté par e-mail")
    consent_method = StringField("Recueilli par", default=CONSENT_METHODS[0])

    def consents(self) -> dict[str, bool]:
        return {channel: True for channel, box in (("sms", self.consent_sms), ("email", self.consent_email))
                if box.data}


class ConsentForm(FlaskForm):
    channel = _select("Canal", _choices(CHANNEL_LABELS))
    granted = _select("Décision", _choices({"1": "Donne son consentement", "0": "Retire son consentement"}))
    method = StringField("Comment", description="formulaire d'adhésion, par téléphone…")


class LinkUserForm(FlaskForm):
    user_id = _select("Compte", [])


class SelfServiceForm(FlaskForm):
    mobile_phone = TelField("Téléphone mobile")
    email = EmailField("Adresse e-mail")
    unavailable_until = DateField("Indisponible jusqu'au (inclus)", validators=[Optional()],
                                  render_kw={"type": "date"})
    availability_note = TextAreaField("Précision sur votre disponibilité")
    consent_sms = BooleanField("J'accepte d'être alerté par SMS")
    consent_email = BooleanField("J'accepte d'être alerté par e-mail")


class AudienceForm(FlaskForm):
    name = StringField("Nom de l'audience")
    description = StringField("Description")
    for_exercises = BooleanField("Pour les exercices")
    kind = HiddenField(default="filter")
    numbers = TextAreaField("Numéros RPPS ou ADELI", description="un par ligne, ou séparés par des virgules")


class ContactForm(Form):
    name = StringField("Nom")
    function = StringField("Fonction")
    email = EmailField("E-mail")
    phone = TelField("Téléphone")


class OrganisationForm(FlaskForm):
    name = StringField("Nom")
    kind = _select("Type", _choices(ORGANISATION_LABELS))
    receives_evaluations = BooleanField("Reçoit les évaluations post-crise", default=True)
    contacts = FieldList(FormField(ContactForm), min_entries=1)

    BLANK_CONTACT_ROWS = 2

    @classmethod
    def for_organisation(cls, organisation) -> OrganisationForm:
        """The form, filled from ``organisation`` on GET, with blank rows to add contacts."""
        if organisation is None:
            form = cls()
        else:
            form = cls(obj=organisation, kind=organisation.kind.value)
        if not form.is_submitted():
            form.contacts.entries = [e for e in form.contacts.entries if any(e.data.values())]
            for _ in range(cls.BLANK_CONTACT_ROWS + (1 if organisation is None else 0)):
                form.contacts.append_entry()
        return form

    def _rows(self) -> list[int]:
        return [i for i, entry in enumerate(self.contacts.entries)
                if any((v or "").strip() for v in entry.data.values())]

    def payload(self) -> dict:
        contacts = [{k: (v or "") for k, v in self.contacts.entries[i].data.items()} for i in self._rows()]
        return {"name": self.name.data or "", "kind": self.kind.data,
                "receives_evaluations": bool(self.receives_evaluations.data), "contacts": contacts}

    def field_for(self, name: str):
        """The form field a service message names: ``name`` or ``contacts.<n>.email`` (n among filled rows)."""
        parts = name.split(".")
        if parts[0] == "contacts" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self._rows()):
            entry = self.contacts.entries[self._rows()[int(parts[1])]]
            return entry[parts[2]] if parts[2] in entry.form else None
        return self[name] if name in self else None
