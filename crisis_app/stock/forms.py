"""Stock forms (Flask-WTF: every form carries a CSRF token); the services hold the business rules."""

from __future__ import annotations

from collections import Counter

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crisis_app.core.labels import labels
from crisis_app.stock.models import ItemCategory, MovementKind
from crisis_app.stock.schemas import MAX_QUANTITY

REQUIRED = "Ce champ est obligatoire."
QUANTITY_RANGE = f"Nombre entier entre {{min}} et {MAX_QUANTITY}."


def optional_int(value) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class WholeNumber(IntegerField):
    """An integer field whose parsing error is French."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError("Nombre entier attendu.") from None


class Day(DateField):
    """A date field (AAAA-MM-JJ, as the browser's date picker sends) whose parsing error is French."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Date invalide (AAAA-MM-JJ attendu).") from None


def _max(n: int) -> Length:
    return Length(max=n, message=f"Au plus {n} caractères.")


def _choice(label: str, **kwargs) -> SelectField:
    # Choices are checked by the services, whose messages are French and name the field.
    return SelectField(label, coerce=optional_int, validate_choice=False, **kwargs)


def _quantity(label: str, minimum: int = 1) -> WholeNumber:
    return WholeNumber(label, validators=[InputRequired(REQUIRED),
                                          NumberRange(min=minimum, max=MAX_QUANTITY,
                                                      message=QUANTITY_RANGE.format(min=minimum))])


class ItemForm(FlaskForm):
    name = StringField("Nom de l'article", validators=[DataRequired(REQUIRED), _max(120)])
    unit = StringField("Unité de compte (boîte de 50, paire, flacon…)",
                       validators=[DataRequired(REQUIRED), _max(40)])
    category = SelectField("Catégorie", choices=list(labels(ItemCategory).items()), validate_choice=False)
    alert_threshold = WholeNumber("Seuil d'alerte (0 : aucun)", default=0, validators=[
        InputRequired(REQUIRED), NumberRange(min=0, max=MAX_QUANTITY, message=QUANTITY_RANGE.format(min=0))])
    pack_size = WholeNumber("Contenu d'une unité", description="20 pour une boîte de 20 ; vide si l'unité n'est pas "
                            "un conditionnement", validators=[Optional(), NumberRange(
                                min=2, max=MAX_QUANTITY, message=QUANTITY_RANGE.format(min=2))])
    pack_content = StringField("Ce qui est compté dedans (au singulier)", description="masque, gant, test…",
                               validators=[Optional(), _max(40)])

    def values(self) -> dict:
        """What the services take, blanks as nothing."""
        return {"name": self.name.data, "unit": self.unit.data, "category": self.category.data,
                "alert_threshold": self.alert_threshold.data, "pack_size": self.pack_size.data,
                "pack_content": (self.pack_content.data or "").strip() or None}


class LocationForm(FlaskForm):
    name = StringField("Nom du lieu", validators=[DataRequired(REQUIRED), _max(120)])
    address = StringField("Adresse", validators=[Optional(), _max(250)])


class ReceptionForm(FlaskForm):
    item_id = _choice("Article")
    location_id = _choice("Lieu de stockage")
    quantity = _quantity("Quantité reçue")
    lot_number = StringField("Numéro de lot", validators=[Optional(), _max(60)])
    expires_on = Day("Date de péremption", validators=[Optional()])
    crisis_id = _choice("Crise (facultatif)")
    reason = StringField("Provenance ou remarque", validators=[Optional(), _max(500)])


class DistributionForm(FlaskForm):
    lot_id = _choice("Lot")
    quantity = _quantity("Quantité distribuée")
    recipient = SelectField("Destinataire : professionnel de l'annuaire ou organisation partenaire",
                            validate_choice=False)
    structure = StringField("ou structure destinataire (EHPAD, MSP, officine…)",
                            validators=[Optional(), _max(200)])
    crisis_id = _choice("Crise (facultatif)")
    reason = StringField("Remarque", validators=[Optional(), _max(500)])

    def service_args(self) -> dict:
        """The service's arguments: the recipient menu's ``p:<id>`` or ``o:<id>`` split into the right id."""
        kind, _, number = (self.recipient.data or "").partition(":")
        return {"lot_id": self.lot_id.data, "quantity": self.quantity.data, "structure": self.structure.data,
                "crisis_id": self.crisis_id.data, "reason": self.reason.data,
                "professional_id": optional_int(number) if kind == "p" else None,
                "organisation_id": optional_int(number) if kind == "o" else None}


def recipient_choices(professionals, organisations) -> list[SelectChoice]:
    """People by name with their profession and commune (RPPS/ADELI added where two would read the same), then
    the partner organisations; values ``p:<id>`` and ``o:<id>``."""
    labels = [" — ".join(x for x in (f"{p.last_name} {p.first_name}", p.profession, p.commune_name) if x)
              for p in professionals]
    seen = Counter(labels)
    people = [SelectChoice(f"p:{p.id}", label if seen[label] == 1 else f"{label} — {_number(p)}",
                           optgroup="Professionnels de l'annuaire") for p, label in zip(professionals, labels,
                                                                                        strict=True)]
    partners = [SelectChoice(f"o:{o.id}", o.name, optgroup="Organisations partenaires") for o in organisations]
    return [SelectChoice("", "— aucun (structure ci-dessous) —"), *people, *partners]


def _number(professional) -> str:
    return f"RPPS {professional.rpps}" if professional.rpps else f"ADELI {professional.adeli}"


class WriteOffForm(FlaskForm):
    lot_id = _choice("Lot")
    kind = SelectField("Motif de sortie", validate_choice=False, choices=[
        (k.value, k.label) for k in (MovementKind.PERTE, MovementKind.PEREMPTION)])
    quantity = _quantity("Quantité sortie")
    reason = TextAreaField("Cause (obligatoire pour une perte)", validators=[Optional(), _max(500)])


class InventoryForm(FlaskForm):
    lot_id = _choice("Lot")
    counted = _quantity("Quantité comptée", minimum=0)
    reason = TextAreaField("Motif de la correction", validators=[DataRequired(REQUIRED), _max(500)])
