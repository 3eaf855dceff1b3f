"""Checking a declaration before it is stored: required fields, value lists, dates, and the patient-data screen."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from crisis_app.core.errors import ServiceError
from crisis_app.core.labels import labels
from quality.register import vocab
from quality.validation import TEXT_MAX, clean_text, findings, not_persons, refuse_patient_data

REQUIRED = "Ce champ est obligatoire."
# Free texts screened for patient data, with the limit each one has.
FREE_TEXTS = {"description": TEXT_MAX, "immediate_measures": TEXT_MAX, "barrier": TEXT_MAX,
              "patient_informed_by": 200}
CHOICES = {
    "place": vocab.Place, "nature": vocab.Nature, "reached_patient": vocab.YesNoUnknown,
    "category": vocab.Category, "handover": vocab.YesNoUnknown, "avoidability": vocab.Avoidability,
    "patient_informed": vocab.PatientInformed, "age_band": vocab.AgeBand, "sex": vocab.Sex,
}
REQUIRED_CHOICES = ("place", "nature", "reached_patient", "category")
OPTIONAL_DATES = ("discovered_on", "patient_informed_on")


def _rating(value: Any, field: str, errors: dict) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        errors[field] = ["Choisissez une valeur de 1 à 5."]
        return None
    return value


def _dates(data: Mapping[str, Any], today: date, errors: dict) -> dict[str, date | None]:
    values: dict[str, date | None] = {}
    occurred = data.get("occurred_on")
    if not isinstance(occurred, date):
        errors["occurred_on"] = [REQUIRED if occurred in (None, "") else "Date invalide."]
    elif occurred > today:
        errors["occurred_on"] = ["La date de l'événement ne peut pas être dans le futur."]
    values["occurred_on"] = occurred if isinstance(occurred, date) else None
    for name in OPTIONAL_DATES:
        value = data.get(name)
        if value in (None, ""):
            values[name] = None
        elif not isinstance(value, date):
            errors[name] = ["Date invalide."]
        elif value > today:
            errors[name] = ["Cette date ne peut pas être dans le futur."]
        else:
            values[name] = value
    discovered, occurred = values.get("discovered_on"), values["occurred_on"]
    if discovered and occurred and discovered < occurred:
        errors["discovered_on"] = ["La découverte ne peut pas précéder l'événement."]
    return values


def _choices(data: Mapping[str, Any], errors: dict) -> dict[str, str | None]:
    values = {}
    for name, words in CHOICES.items():
        value = data.get(name) or None
        if value is None and name in REQUIRED_CHOICES:
            errors[name] = [REQUIRED]
        elif value is not None and value not in labels(words):
            errors[name] = ["Valeur inconnue : choisissez dans la liste."]
        values[name] = value
    professions = data.get("professions") or []
    if not isinstance(professions, list | tuple) or any(p not in labels(vocab.Profession) for p in professions):
        errors["professions"] = ["Profession inconnue : choisissez dans la liste."]
        professions = []
    values["professions"] = list(dict.fromkeys(professions))
    return values


def _texts(data: Mapping[str, Any], errors: dict) -> dict[str, str | None]:
    values = {name: clean_text(data.get(name)) for name in FREE_TEXTS}
    for name in ("description", "immediate_measures"):
        if values[name] is None:
            errors[name] = [REQUIRED]
    for name, limit in FREE_TEXTS.items():
        if values[name] and len(values[name]) > limit:
            errors[name] = [f"Au plus {limit} caractères."]
    return values


def clean_declaration(data: Mapping[str, Any], *, today: date) -> dict[str, Any]:
    """The declaration's values ready to store, or ServiceError 422 naming each wrong field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {**_dates(data, today, errors), **_choices(data, errors), **_texts(data, errors)}
    values["declarer_severity"] = _rating(data.get("severity"), "severity", errors)
    values["declarer_likelihood"] = _rating(data.get("likelihood"), "likelihood", errors)
    if errors:
        raise ServiceError("validation_error", "Déclaration incomplète : corrigez les champs signalés.",
                           fields=errors)
    marked = not_persons(data.get("not_persons"))
    texts = {name: values[name] for name in FREE_TEXTS}
    refuse_patient_data(texts, not_persons=marked)
    # only the marks that dismissed a finding count; the words are not kept
    values["not_person_marks"] = _dismissed(texts, marked)
    return values


def _dismissed(texts: dict, marked: list[str]) -> int:
    if not marked:
        return 0
    return len([f for f in findings(texts) if f.kind == "name"]) - len(
        [f for f in findings(texts, not_persons=marked) if f.kind == "name"])
