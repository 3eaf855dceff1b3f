"""The one screen of the quality programme: free texts and documents are searched for what identifies a patient or
names a person before anything is stored or printed.

What it finds, each as a ``Finding`` naming its field, its passage and how to rewrite it:

* person names — the French named-entity model ``fr_core_news_sm`` (loaded once per process, lazily), filtered by
  word lists (drugs, eponyms, places the model reads as people) and completed by rules: titles (M., Mme, Madame,
  Dr, Pr…), « née Dupont », initials, first names of several origins in any case, frequent surnames;
* the CPTS's own professionals named in a text (``people``: the directory's names);
* NIR (right key, wrong key, or 13 digits without key), phone numbers (also without the leading 0, with ``_``,
  non-breaking or double spaces, full-width or look-alike digits, or spelled out), e-mail addresses (also
  « (at) », « ＠ », internationalised), dates and years of birth, postal addresses, hospital patient numbers (IPP).

The text is first normalised character by character (NFKC where it keeps one character, so positions stay those
of the text as typed): full-width digits, « ＠ » and non-breaking spaces are read as their plain forms.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum.fr import nir

from quality import screening_lexicon as lex

KIND_LABELS = {
    "name": "nom de personne",
    "professional": "nom d'un professionnel de la CPTS",
    "nir": "numéro de sécurité sociale (NIR)",
    "phone": "numéro de téléphone",
    "email": "adresse e-mail",
    "birth_date": "date de naissance",
    "address": "adresse postale",
    "patient_id": "numéro de dossier patient",
}
# How to rewrite what was found.
ADVICE = {
    "name": "écrivez « le patient », « la patiente », « l'infirmière » ou « Mme X »",
    "professional": "écrivez sa fonction (« l'infirmière », « le médecin traitant ») : la démarche est non punitive",
    "nir": "retirez le numéro",
    "phone": "retirez le numéro",
    "email": "retirez l'adresse",
    "birth_date": "écrivez l'âge (« patiente de 75 ans »)",
    "address": "écrivez le type de lieu (« au domicile », « en officine »)",
    "patient_id": "retirez le numéro",
}
NIR_LABEL, PHONE_LABEL = KIND_LABELS["nir"], KIND_LABELS["phone"]
EMAIL_LABEL, BIRTH_LABEL = KIND_LABELS["email"], KIND_LABELS["birth_date"]
NAME_KINDS = frozenset({"name", "professional"})
# Placeholders the advice itself suggests (« Mme X »).
PLACEHOLDERS = frozenset({"x", "y", "z", "xx", "xxx"})
_TITLE_WORDS = frozenset({"m", "mme", "mlle", "mr", "madame", "monsieur", "mademoiselle", "dr", "docteur", "pr",
                          "professeur", "me", "mmes", "mm"})

# A full date at least this many years old is read as a date of birth (an event is declared within weeks).
BIRTH_AGE_YEARS = 2


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str  # one of KIND_LABELS
    text: str  # what was found, as typed
    start: int
    end: int

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def advice(self) -> str:
        return ADVICE[self.kind]

    @property
    def message(self) -> str:
        article = "une" if self.kind in ("email", "birth_date", "address") else "un"
        return (f"Ce texte contient ce qui ressemble à {article} {self.label} : « {self.text} ». "
                f"Réécrivez-le : {self.advice}.")


# --- normalising -------------------------------------------------------------------------------------------------

_LOOKALIKE_DIGITS = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"}


def normalise(text: str) -> str:
    """``text`` with each character replaced by its NFKC form when that is one character (same length)."""
    out = []
    for char in text:
        if ord(char) < 128:
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKC", char)
        out.append(plain if len(plain) == 1 else char)
    return "".join(out).replace("\u00a0", " ")


# --- numbers -----------------------------------------------------------------------------------------------------

# 15 characters of a NIR, allowing the spaces, dots and dashes people type between its groups; 2A/2B for Corsica.
_NIR_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[1-478](?:[ .\-_]*[0-9]){2}(?:[ .\-_]*[0-9]){2}"
                            r"[ .\-_]*(?:[0-9]{2}|2[AaBb])(?:[ .\-_]*[0-9]){3}(?:[ .\-_]*[0-9]){3}"
                            r"(?:[ .\-_]*[0-9]){2}(?![0-9A-Za-z])")
# A run of digits (or look-alike letters) with the separators people type between groups.
_DIGIT_RUN = re.compile(r"(?<![\w+])[0-9OoIl|](?:[ ._\-]{0,3}[0-9OoIl|])+(?![\w])")
_PATIENT_ID = re.compile(r"(?:\b(?:IPP|NIP|INS|IEP|NDA)\b|(?i:\bn°\s*(?:de\s+)?dossier\b|\bnum[ée]ro\s+de\s+dossier\b"
                         r"|\bn°\s*(?:du\s+)?patient\b|\bidentifiant\s+(?:du\s+)?patient\b|\bmatricule\b))"
                         r"\s*[:#°n]*\s*[A-Z]{0,3}[0-9OoIl][0-9OoIl \-_.]{3,}[0-9OoIl]")
_NUMBER_WORDS = ("zéro|zero|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
                 "quinze|seize|vingts?|trente|quarante|cinquante|soixante|septante|octante|nonante|cents?|et")
_SPELLED = re.compile(rf"\b(?:{_NUMBER_WORDS})(?:[ \-]+(?:{_NUMBER_WORDS}))+\b", re.IGNORECASE)


def _month_ok(digits: str) -> bool:
    return 1 <= int(digits[3:5]) <= 12 or 20 <= int(digits[3:5]) <= 42


def _nir_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _NIR_CANDIDATE.finditer(text):
        if nir.is_valid(re.sub(r"[ .\-_]", "", match.group(0))):  # stdnum strips spaces and dots, not dashes
            spans.append(match.span())
    return spans


def _digit_runs(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) for digit runs that are a NIR without a right key, or a phone number however typed."""
    found = []
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group(0)
        lookalikes = sum(1 for c in raw if c in _LOOKALIKE_DIGITS)
        digits = "".join(_LOOKALIKE_DIGITS.get(c, c) for c in raw if c.isdigit() or c in _LOOKALIKE_DIGITS)
        if lookalikes > 2 or len(digits) - lookalikes < 8:
            continue
        start, end = match.span()
        kind = None
        if len(digits) in (13, 15) and digits[0] in "1278" and _month_ok(digits):
            kind = "nir"
        elif len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
            kind = "phone"
        elif len(digits) == 9 and (digits[0] in "67" or re.fullmatch(r"\d[ ._\-]+\d\d(?:[ ._\-]+\d\d){3}", raw)):
            kind = "phone"
        elif len(digits) == 11 and digits.startswith("33") and digits[2] != "0":
            kind = "phone"
        if kind:
            found.append((kind, start, end))
    return found


def _spelled_numbers(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _SPELLED.finditer(text):
        words = [w for w in re.split(r"[ \-]+", match.group(0).lower()) if w != "et"]
        if len(words) >= 6:
            spans.append(match.span())
    return spans


def _phones(text: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "FR")]


# --- e-mail, dates, addresses ------------------------------------------------------------------------------------

_AT = r"(?:\s*@\s*|\s*[\(\[\{<]\s*(?:at|arobase|arrobase|chez)\s*[\)\]\}>]\s*|\s+(?:arobase|arrobase)\s+)"
_DOT = r"(?:\.|\s*[\(\[\{<]\s*(?:dot|point)\s*[\)\]\}>]\s*|\s+(?:dot|point)\s+)"
_EMAIL = re.compile(rf"[\w.%+\-]+{_AT}[\w\-]+(?:{_DOT}[\w\-]+)*{_DOT}(?:[^\W\d_]{{2,}}|xn--[\w\-]+)\b",
                    re.IGNORECASE)
_MONTHS = ("janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
           "décembre|decembre|janv|févr|fevr|avr|juil|sept|oct|nov|déc|dec")
_DATE = (rf"(?:\d{{1,2}}(?:er)?\s*(?:[/.\-]\s*\d{{1,2}}\s*[/.\-]|\s+(?:{_MONTHS})\.?\s+)\s*\d{{2,4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}})")
_FULL_DATE = re.compile(rf"(?<!\d){_DATE}(?!\d)", re.IGNORECASE)
# "né le …", "née en …", "né(e) le …", "née 1950" always; unaccented "ne le"/"nee le", "date de naissance", "DDN",
# "naissance :" only when a digit follows ("il ne le savait pas", "date de naissance inconnue" are not a birth date).
_BIRTH = re.compile(r"(?<![A-Za-zÀ-ÿ\-])(?:(?:née?|né\s*\(\s*e\s*\))\s+(?:le|en)\b[^\n]{0,25}"
                    r"|(?:née?|né\s*\(\s*e\s*\))\s+(?:vers\s+|début\s+|fin\s+)?(?:1[89]|20)\d\d\b"
                    r"|(?:nee?\s+(?:le|en)|date\s+de\s+naissance|naissance\s*:|ddn\b|d\.d\.n\.?)[^\n\d]{0,20}"
                    r"\d[^\n]{0,15})", re.IGNORECASE)
_YEAR = re.compile(r"(\d{2,4})\s*$")
_STREET = (r"(?:rue|avenue|av\.|bd|boulevard|chemin|allée|allées|impasse|route|quai|place|square|lieu-dit|"
           r"lotissement|résidence|hameau|faubourg|cité|cours|chaussée|esplanade|promenade)")
_ADDRESS = re.compile(
    rf"(?<![\w,.])\d{{1,4}}\s*(?:bis|ter)?\s*,?\s+(?i:{_STREET})\b(?:[ \-']+[\w\-']+){{1,5}}"
    rf"|(?<!la )(?<!en )(?<!sur )\b(?i:{_STREET})\s+"
    r"(?:de\s+la\s+|de\s+l'|du\s+|des\s+|de\s+|d'|la\s+|le\s+)?[A-ZÀ-Ý][\w\-']+"
    r"(?:\s+[A-ZÀ-Ý][\w\-']+)*"
    r"|(?<![\w.,])(?:0[1-9]|[1-8]\d|9[0-8])\d{3}\s+[A-ZÀ-Ý][a-zà-ÿ]+(?:[\- ](?:sur|sous|en|le|la|[A-ZÀ-Ý][a-zà-ÿ]+))*")
_NOT_CITY = frozenset({"unites", "unite", "doses", "ui", "patients", "euros"})


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


def _addresses(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _ADDRESS.finditer(text):
        words = match.group(0).split()
        if len(words) >= 2 and words[0].isdigit() and len(words[0]) == 5 and lex.fold(words[1]) in _NOT_CITY:
            continue
        spans.append(match.span())
    return spans


# --- names -------------------------------------------------------------------------------------------------------

_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ][\w'’\-]*"
_CAP = r"(?:[A-ZÀ-ÖØ-Þ][\w'’\-]*|(?:d'|D'|O'|N')[A-ZÀ-Þ][\w\-]*)"
_PARTICLE = r"(?:(?:de|du|des|van|von|da|dos|ben|el|al|le|la)\s+)?"
_TITLE = (r"(?:(?<![\w.])(?:M\.|MM\.|Mme\b\.?|Mmes\b|Mlle\b\.?|Dr\b\.?|Pr\b\.?|Me\b)"
          r"|\b(?i:madame|monsieur|mademoiselle|messieurs|docteur|professeur)\b)")
_TITLED = re.compile(rf"{_TITLE}\s*(?P<name>{_PARTICLE}{_CAP}(?:\s+{_CAP})*"
                     r"|[a-zà-ÿ][\w'’\-]+(?:\s+[a-zà-ÿ][\w'’\-]+)?)")
_MAIDEN = re.compile(rf"(?<![\w\-])(?i:née|épouse|ép\.|veuve)\s+(?P<name>{_CAP}(?:\s+{_CAP})*)")
_INITIALS = re.compile(r"(?<![\w.])[A-Z]\.\s?-?\s?[A-Z]\.(?:\s?[A-Z]\.)*")
_NOT_INITIALS = frozenset({"N.B.", "P.S.", "P.J.", "C.A.", "O.K.", "S.A.", "U.S."})
_TOKEN = re.compile(_WORD)


def _is_name_word(word: str) -> bool:
    """A first name of the lists (each part of a hyphenated one)."""
    parts = [p for p in lex.fold(word).split("-") if p]
    return bool(parts) and all(p in lex.FIRST_NAMES for p in parts)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" «\"'(")
    return not before or before[-1] in ".!?:;\n-–—•*"


def _not_a_name(word: str) -> bool:
    key = lex.fold(word)
    return (key in lex.DRUGS or key in lex.EPONYMS or key in lex.PLACES or key in lex.LABEL_WORDS
            or (key.endswith(lex.DRUG_SUFFIXES) and not _is_name_word(word)))


def _context_word(text: str, start: int) -> str:
    """The folded word before ``start`` (skipping « de », « d' », « du »)."""
    words = re.findall(r"[\w'’]+", text[max(0, start - 40):start])
    while words and lex.fold(words[-1]) in ("de", "d'", "du", "des", "la", "le", "les", "l'"):
        words.pop()
    return lex.fold(words[-1]).rstrip("'") if words else ""


def _titled_names(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _TITLED.finditer(text):
        name = match.group("name")
        first = name.split()[0]
        if lex.fold(first) in lex.NOT_A_NAME_AFTER_TITLE or lex.fold(name) in PLACEHOLDERS:
            continue
        if name[0].islower() and (lex.fold(first) in lex.STOP_WORDS or len(first) < 3):
            continue
        if all(_not_a_name(w) for w in name.split()):
            continue
        spans.append((match.start(), match.end("name")))
    for match in _MAIDEN.finditer(text):
        if not all(_not_a_name(w) for w in match.group("name").split()):
            spans.append(match.span())
    for match in _INITIALS.finditer(text):
        if match.group(0).replace(" ", "") not in _NOT_INITIALS:
            spans.append(match.span())
    return spans


def _listed_names(text: str) -> list[tuple[int, int]]:
    """First names of the lists in any case (with the word after them), frequent surnames written with a capital."""
    spans = []
    tokens = list(_TOKEN.finditer(text))
    for i, token in enumerate(tokens):
        word = token.group(0)
        key = lex.fold(word)
        capital = word[0].isupper()
        inside = not _sentence_start(text, token.start())
        nxt = tokens[i + 1] if i + 1 < len(tokens) and text[token.end():tokens[i + 1].start()].strip() == "" \
            else None
        if _is_name_word(word):
            if key in lex.AMBIGUOUS_FIRST_NAMES and not (capital and (inside or (nxt and nxt.group(0)[0].isupper()))):
                continue
            if capital and word.isupper() and len(word) > 1 and not (nxt and nxt.group(0)[0].isupper()):
                continue  # an acronym
            end = token.end()
            if nxt is not None and not _not_a_name(nxt.group(0)) and (
                    nxt.group(0)[0].isupper() or (lex.fold(nxt.group(0)) not in lex.STOP_WORDS
                                                  and not capital and len(nxt.group(0)) > 2)):
                end = nxt.end()
            spans.append((token.start(), end))
        elif key in lex.SURNAMES and capital and inside and not word.isupper() and len(word) > 2 \
                and _context_word(text, token.start()) not in lex.PLACE_CONTEXT + lex.EPONYM_CONTEXT:
            spans.append(token.span())
    return spans


_nlp = None
_nlp_lock = threading.Lock()


def model():
    """The French pipeline (tokenizer and named entities only), loaded on first use, once per process."""
    global _nlp
    if _nlp is None:
        with _nlp_lock:
            if _nlp is None:
                import spacy

                _nlp = spacy.load("fr_core_news_sm", exclude=["parser", "lemmatizer", "attribute_ruler",
                                                              "morphologizer", "senter"])
    return _nlp


def _model_names(text: str) -> list[tuple[int, int]]:
    spans = []
    for ent in model()(text).ents:
        words = [w for w in re.findall(r"[\w'’\-]+", ent.text)]
        if not words:
            continue
        if ent.label_ != "PER" and not any(_is_name_word(w) for w in words):
            continue
        has_first_name = any(_is_name_word(w) and lex.fold(w) not in lex.AMBIGUOUS_FIRST_NAMES for w in words)
        kept = [w for w in words if not any(c.isdigit() for c in w) and not _not_a_name(w)
                and lex.fold(w) not in lex.STOP_WORDS and lex.fold(w).rstrip(".") not in _TITLE_WORDS
                and lex.fold(w) not in PLACEHOLDERS]
        if not kept:
            continue
        context = _context_word(text, ent.start_char)
        if not has_first_name:
            if context in lex.EPONYM_CONTEXT or context in lex.PLACE_CONTEXT:
                continue
            if all(w.isupper() for w in kept):
                continue  # an acronym (EHPAD, SAMU)
            if words[0].lower() in ("les", "la", "le", "l'") and context:
                continue  # « EHPAD Les Tilleuls »
            # a capital opening a sentence (or a line, or following a dash) is a common word as often as a name
            capitalised = [m.group(0) for m in re.finditer(r"[\w'’\-]+", ent.text)
                           if m.group(0) in kept and m.group(0)[0].isupper()
                           and (lex.fold(m.group(0)) in lex.SURNAMES
                                or not _sentence_start(text, ent.start_char + m.start()))]
            if not capitalised:
                continue
        spans.append((ent.start_char, ent.end_char))
    return spans


def _people_pattern(people: Iterable[tuple[str, str]]) -> re.Pattern | None:
    """One pattern for the directory's people: « Prénom Nom », « Nom Prénom », or the surname with its capital."""
    full, last = set(), set()
    for first_name, last_name in people:
        first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
        if len(last_name) < 3:
            continue
        if first_name:
            full.add(rf"{re.escape(first_name)}\s+{re.escape(last_name)}")
            full.add(rf"{re.escape(last_name)}\s+{re.escape(first_name)}")
        if lex.fold(last_name) not in lex.STOP_WORDS:
            last.add(re.escape(last_name[0].upper() + last_name[1:].lower()))
            last.add(re.escape(last_name.upper()))
    if not full and not last:
        return None
    alternatives = []
    if full:
        alternatives.append(rf"(?i:{'|'.join(sorted(full, key=len, reverse=True))})")
    if last:
        alternatives.append("|".join(sorted(last, key=len, reverse=True)))
    return re.compile(rf"(?<![\w\-])(?:{'|'.join(alternatives)})(?![\w\-])")


def _professionals(text: str, pattern: re.Pattern | None, *, full: bool) -> list[tuple[int, int]]:
    """The directory's people named in ``text``: by first and last name (``full``), or by surname alone."""
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text)
            if (" " in m.group(0).strip()) == full and (full or (
                not _sentence_start(text, m.start()) and _context_word(text, m.start()) not in lex.PLACE_CONTEXT
                and not _not_a_name(m.group(0))))]


# --- the screen --------------------------------------------------------------------------------------------------

def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def screen_text(field: str, text: str | None, *, today: date | None = None, people: re.Pattern | None = None,
                not_persons: Iterable[str] = (), names: bool = True) -> list[Finding]:
    """What in ``text`` may identify a patient or names a person, in reading order, each passage reported once.

    ``people`` is ``people_pattern(...)`` of the directory; ``not_persons`` the words the writer marked as not a
    person (a place, a drug): a name finding made only of them is dropped.
    """
    if not text:
        return []
    today = today or date.today()
    plain = normalise(text)
    digit_runs = _digit_runs(plain)
    ordered = [
        ("nir", _nir_spans(plain) + [(s, e) for k, s, e in digit_runs if k == "nir"]),
        ("patient_id", [m.span() for m in _PATIENT_ID.finditer(plain)]),
        ("email", [m.span() for m in _EMAIL.finditer(plain)]),
        ("phone", _phones(plain) + [(s, e) for k, s, e in digit_runs if k == "phone"] + _spelled_numbers(plain)),
        ("birth_date", _birth_dates(plain, today)),
        ("address", _addresses(plain)),
        ("professional", _professionals(plain, people, full=True)),
    ]
    if names:
        ordered.append(("name", _merge(_titled_names(plain) + _listed_names(plain) + _model_names(plain))))
    # a surname alone that a professional of the directory bears: after the names (« Mme Josette Martin » is a
    # person named, whoever else is called Martin)
    ordered.append(("professional", _professionals(plain, people, full=False)))
    dismissed = {lex.fold(w) for w in not_persons}
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, spans in ordered:
        for span in sorted(spans):
            if _overlaps(span, taken):
                continue
            found = text[span[0]:span[1]].strip()
            if kind == "name" and dismissed and not titled(found) \
                    and all(lex.fold(w) in dismissed for w in found.split()):
                continue
            taken.append(span)
            findings.append(Finding(field=field, kind=kind, text=found, start=span[0], end=span[1]))
    return sorted(findings, key=lambda f: f.start)


def screen(texts: Mapping[str, str | None], *, today: date | None = None, people: re.Pattern | None = None,
           not_persons: Iterable[str] = ()) -> list[Finding]:
    """Screen every free text of a form; the findings name their field."""
    not_persons = tuple(not_persons)
    return [f for field, text in texts.items()
            for f in screen_text(field, text, today=today, people=people, not_persons=not_persons)]


def titled(found: str) -> bool:
    """A passage opening with a title (Mme, M., Dr…) names a person: it cannot be marked as not one."""
    return re.match(_TITLE, found) is not None


def people_pattern(people: Iterable[tuple[str, str]]) -> re.Pattern | None:
    """The directory's people as one compiled pattern, kept while the directory's names stay the same."""
    return _cached_people_pattern(tuple(sorted((first or "", last or "") for first, last in people)))


@functools.lru_cache(maxsize=4)
def _cached_people_pattern(people: tuple[tuple[str, str], ...]) -> re.Pattern | None:
    return _people_pattern(people)


def as_field_errors(findings: list[Finding]) -> dict[str, list[str]]:
    """``{field: [French message, …]}`` as forms and the API's error format show them."""
    errors: dict[str, list[str]] = {}
    for finding in findings:
        errors.setdefault(finding.field, []).append(finding.message)
    return errors
