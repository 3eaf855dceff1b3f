"""Pure checks and normalisations of the directory's identifiers; messages are French, for people.

Each function returns the normalised value or raises ``ValueError`` with the message to show.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import luhn

from crisis_app.core.demo.fake import is_fiction_number

RPPS_LENGTH = 11
ADELI_LENGTH = 9
DEFAULT_REGION = "FR"

# The Annuaire Santé's profession codes (nomenclature TRE_G15 « Profession de santé »), with their labels.
PROFESSIONS = {
    "10": "Médecin", "21": "Pharmacien", "26": "Audioprothésiste", "28": "Opticien-Lunetier",
    "31": "Assistant dentaire", "32": "Physicien médical", "35": "Préparateur en pharmacie",
    "36": "Préparateur en pharmacie hospitalière", "40": "Chirurgien-Dentiste", "50": "Sage-Femme",
    "60": "Infirmier", "69": "Infirmier psychiatrique", "70": "Masseur-Kinésithérapeute",
    "80": "Pédicure-Podologue", "81": "Orthoprothésiste", "82": "Podo-Orthésiste",
    "83": "Orthopédiste-Orthésiste", "84": "Oculariste", "85": "Épithésiste",
    "86": "Technicien de laboratoire médical", "91": "Orthophoniste", "92": "Orthoptiste", "93": "Psychologue",
    "94": "Ergothérapeute", "95": "Diététicien", "96": "Psychomotricien",
    "98": "Manipulateur d'électroradiologie médicale",
}

# An entry confirmed less than 6 months ago is fresh; 6 to 12 months, to confirm soon; older or never, stale.
FRESH_FOR = timedelta(days=183)
STALE_AFTER = timedelta(days=365)


def _digits(value: str) -> str:
    return "".join(value.split())


def normalize_rpps(value: str) -> str:
    """An RPPS: 11 digits whose last is the Luhn key."""
    number = _digits(value)
    if len(number) != RPPS_LENGTH or not number.isdigit():
        raise ValueError("Le numéro RPPS doit compter 11 chiffres.")
    if not luhn.is_valid(number):
        raise ValueError("Le numéro RPPS est invalide : sa clé de contrôle ne correspond pas.")
    return number


def normalize_adeli(value: str) -> str:
    """An ADELI number: 9 digits whose last is the Luhn key."""
    number = _digits(value)
    if len(number) != ADELI_LENGTH or not number.isdigit():
        raise ValueError("Le numéro ADELI doit compter 9 chiffres.")
    if not luhn.is_valid(number):
        raise ValueError("Le numéro ADELI est invalide : sa clé de contrôle ne correspond pas.")
    return number


def national_id(rpps: str | None, adeli: str | None) -> str | None:
    """The Annuaire Santé's national id: ``8`` + RPPS, or ``0`` + ADELI."""
    if rpps:
        return "8" + rpps
    if adeli:
        return "0" + adeli
    return None


def _parse_phone(value: str) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError("Numéro de téléphone illisible.") from None


def normalize_mobile(value: str) -> str:
    """A mobile number in E.164; French by default. ARCEP's fiction range is accepted for demos."""
    number = _parse_phone(value)
    if is_fiction_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number):
        raise ValueError("Numéro de téléphone invalide.")
    if phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise ValueError("Ce numéro n'est pas un mobile : il ne pourrait pas recevoir de SMS.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(value: str) -> str:
    """Any valid phone number (a structure's landline, say) in E.164."""
    number = _parse_phone(value)
    if not (phonenumbers.is_valid_number(number) or is_fiction_number(number)):
        raise ValueError("Numéro de téléphone invalide.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValueError("Adresse e-mail invalide.") from None


def normalize_commune_code(value: str) -> str:
    """An INSEE commune code: 5 characters (2A/2B for Corsica)."""
    code = value.strip().upper()
    if len(code) != 5 or not (code.isdigit() or (code[:2] in {"2A", "2B"} and code[2:].isdigit())):
        raise ValueError("Le code commune INSEE compte 5 caractères (ex. 31555).")
    return code


def format_phone_for_display(e164: str | None) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, DEFAULT_REGION)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def freshness(confirmed_at: datetime | None, now: datetime | None = None) -> str:
    """``ok`` (< 6 months), ``warn`` (6 to 12 months) or ``alert`` (older, or never confirmed)."""
    if confirmed_at is None:
        return "alert"
    age = (now or datetime.now(confirmed_at.tzinfo)) - confirmed_at
    if age < FRESH_FOR:
        return "ok"
    return "warn" if age < STALE_AFTER else "alert"
