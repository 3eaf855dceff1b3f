"""The patient-data screen: free texts are searched for what identifies a patient before anything is stored.

It looks for a French social security number (NIR) whose key is right (python-stdnum), French phone numbers
(phonenumbers), e-mail addresses, "né(e) le …" and "date de naissance …" patterns, and full dates old enough to be
a date of birth. It only reports; the service refuses the whole declaration while something is found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum.fr import nir

NIR_LABEL = "numéro de sécurité sociale (NIR)"
PHONE_LABEL = "numéro de téléphone"
EMAIL_LABEL = "adresse e-mail"
BIRTH_LABEL = "date de naissance"

# 15 characters of a NIR, allowing the spaces, dots and dashes people type between its groups; 2A/2B for Corsica.
_NIR_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[1-478](?:[ .\-]?[0-9]){2}(?:[ .\-]?[0-9]){2}"
                            r"[ .\-]?(?:[0-9]{2}|2[AaBb])(?:[ .\-]?[0-9]){3}(?:[ .\-]?[0-9]){3}"
                            r"(?:[ .\-]?[0-9]){2}(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_MONTHS = ("janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
           "décembre|decembre|janv|févr|fevr|avr|juil|sept|oct|nov|déc|dec")
_DATE = (rf"(?:\d{{1,2}}(?:er)?\s*(?:[/.\-]\s*\d{{1,2}}\s*[/.\-]|\s+(?:{_MONTHS})\.?\s+)\s*\d{{2,4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}})")
_FULL_DATE = re.compile(rf"(?<!\d){_DATE}(?!\d)", re.IGNORECASE)
# "né le …", "née en …", "né(e) le …" always; unaccented "ne le"/"nee le", "date de naissance", "DDN", "naissance :"
# only when a digit follows ("il ne le savait pas", "date de naissance inconnue" are not a birth date).
_BIRTH = re.compile(r"(?<![A-Za-zÀ-ÿ])(?:(?:née?|né\s*\(\s*e\s*\))\s+(?:le|en)\b[^\n]{0,25}"
                    r"|(?:nee?\s+(?:le|en)|date\s+de\s+naissance|naissance\s*:|ddn\b|d\.d\.n\.?)[^\n\d]{0,20}"
                    r"\d[^\n]{0,15})", re.IGNORECASE)
_YEAR = re.compile(r"(\d{2,4})\s*$")
# A full date at least this many years old is read as a date of birth (an event is declared within weeks).
BIRTH_AGE_YEARS = 2


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str  # nir | phone | email | birth_date
    text: str  # what was found, as typed
    start: int
    end: int

    @property
    def label(self) -> str:
        return {"nir": NIR_LABEL, "phone": PHONE_LABEL, "email": EMAIL_LABEL, "birth_date": BIRTH_LABEL}[self.kind]

    @property
    def message(self) -> str:
        return (f"Ce texte contient ce qui ressemble à un(e) {self.label} : « {self.text} ». "
                "Retirez-le : aucune donnée identifiant un patient ne doit être écrite.")


def _nir(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _NIR_CANDIDATE.finditer(text):
        if nir.is_valid(re.sub(r"[ .\-]", "", match.group(0))):  # stdnum strips spaces and dots, not dashes
            spans.append(match.span())
    return spans


def _phones(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "FR")]


def _emails(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _EMAIL.finditer(text)]


def _year_of(date_text: str) -> int | None:
    match = _YEAR.search(date_text)
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 4:
        return int(digits)
    if len(digits) == 2:
        return 1900 + int(digits)  # a two-digit year in a free text: read as a past century, so it is flagged
    return None


def _birth_dates(text: str, today: date) -> list[tuple[int, int]]:
    spans = [m.span() for m in _BIRTH.finditer(text)]
    for match in _FULL_DATE.finditer(text):
        value = match.group(0)
        year = int(value[:4]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else _year_of(value)
        if year is not None and year <= today.year - BIRTH_AGE_YEARS:
            spans.append(match.span())
    return spans


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def screen_text(field: str, text: str | None, *, today: date | None = None) -> list[Finding]:
    """What in ``text`` may identify a patient, in reading order; a NIR is not reported again as a phone."""
    if not text:
        return []
    today = today or date.today()
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, spans in (("nir", _nir(text)), ("email", _emails(text)), ("phone", _phones(text)),
                        ("birth_date", _birth_dates(text, today))):
        for span in spans:
            if _overlaps(span, taken):
                continue
            taken.append(span)
            findings.append(Finding(field=field, kind=kind, text=text[span[0]:span[1]].strip(),
                                    start=span[0], end=span[1]))
    return sorted(findings, key=lambda f: f.start)


def screen(texts: Mapping[str, str | None], *, today: date | None = None) -> list[Finding]:
    """Screen every free text of a form; the findings name their field."""
    return [f for field, text in texts.items() for f in screen_text(field, text, today=today)]


def as_field_errors(findings: list[Finding]) -> dict[str, list[str]]:
    """``{field: [French message, …]}`` as forms and the API's error format show them."""
    errors: dict[str, list[str]] = {}
    for finding in findings:
        errors.setdefault(finding.field, []).append(finding.message)
    return errors
