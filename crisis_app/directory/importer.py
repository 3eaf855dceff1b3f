"""Import of the Annuaire Santé extraction: streamed, kept to the CPTS's territory, upserted in batches.

The public file ``PS_LibreAcces_Personne_activite_*.txt`` has millions of lines and its columns change
between versions, so it is read line by line, by header name, and only the territory's lines are kept.
The batched upsert (``BatchUpserter``) and the report are shared with the directory's CSV import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crisis_app.core import audit
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.models import Professional, ProfessionalTag
from crisis_app.directory.schemas import ProfessionalInputSchema
from crisis_app.directory.services import ENUM_FIELDS

BATCH_SIZE = 500
MAX_REJECTIONS_KEPT = 1000  # the count goes on; only the first ones are listed, so memory stays flat
SAMPLE_SIZE = 20
CONTACT_FIELDS = ("mobile_phone", "email")  # each has a ``<field>_source`` column
NEVER_BLANKED = ("mobile_phone", "email", "structure_phone")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


class LineError(ValueError):
    """A line refused for a reason given in French; the import goes on without it."""


def normalize_header(name: str) -> str:
    """Header names compared without case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", "")).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the spelling shown in messages
    required: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {normalize_header(n) for n in (self.label, *self.aliases)}


def map_columns(header: Iterable[str], columns: Iterable[Column], *, what: str) -> dict[str, int]:
    """``{key: position}`` of the wanted columns found in ``header``; refuse when a required one is missing."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalize_header(name), index)
    found, missing = {}, []
    for column in columns:
        index = next((positions[n] for n in column.names() if n in positions), None)
        if index is not None:
            found[column.key] = index
        elif column.required:
            missing.append(f"« {column.label} »")
    if missing:
        raise ServiceError("bad_header", f"Fichier refusé : colonne(s) obligatoire(s) absente(s) : "
                           f"{', '.join(missing)}. Vérifiez qu'il s'agit bien {what}.", field="file", status=400)
    return found


# --- territory ---------------------------------------------------------------------------------------------

_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-9]\d|2A|2B|97[1-8]|98[4-9])$")


def departement_of(commune_code: str, postal_code: str = "") -> str:
    """The département of a commune code, else of a postal code (2 characters, 3 for overseas)."""
    code = commune_code or postal_code
    if code[:2] in ("97", "98"):
        return code[:3]
    if not commune_code and code[:2] == "20":  # Corsica's postal codes: 200xx-201xx south, the rest north
        return "2A" if code < "20200" else "2B"
    return code[:2]


@dataclass(frozen=True)
class Territory:
    departements: frozenset[str] = frozenset()
    communes: frozenset[str] = frozenset()

    def keeps(self, commune_code: str, postal_code: str) -> bool:
        if commune_code in self.communes:
            return True
        return bool(self.departements) and departement_of(commune_code, postal_code) in self.departements

    def quick_filter(self) -> re.Pattern:
        """A pattern every kept line contains (``|`` then a code's start): lines without it need no split."""
        starts = {*self.departements, *self.communes}
        if starts & {"2A", "2B"}:
            starts.add("20")  # Corsica's postal codes, for lines without a commune code
        return re.compile("|".join(re.escape("|" + s) for s in sorted(starts)))

    def describe(self) -> str:
        parts = [f"département(s) {', '.join(sorted(self.departements))}" if self.departements else "",
                 f"commune(s) {', '.join(sorted(self.communes))}" if self.communes else ""]
        return " et ".join(p for p in parts if p)


def parse_territory(departements: Iterable[str], communes: Iterable[str]) -> Territory:
    """The territory to keep; each code may hold several separated by commas or spaces."""
    from crisis_app.directory.validation import normalize_commune_code

    deps, towns = set(), set()
    for code in _split_codes(departements):
        code = code.upper().zfill(2)
        if not _DEPARTEMENT.match(code):
            raise ServiceError("validation_error", f"Département « {code} » invalide : 2 chiffres (31), 2A/2B ou "
                               "3 chiffres outre-mer (974).", field="departements", status=400)
        deps.add(code)
    for code in _split_codes(communes):
        try:
            towns.add(normalize_commune_code(code))
        except ValueError as exc:
            raise ServiceError("validation_error", f"Commune « {code} » : {exc}", field="communes",
                               status=400) from None
    if not deps and not towns:
        raise ServiceError("validation_error", "Indiquez au moins un département ou une commune du territoire "
                           "de la CPTS : le fichier national couvre toute la France.", field="departements",
                           status=400)
    return Territory(frozenset(deps), frozenset(towns))


def _split_codes(values: Iterable[str]) -> list[str]:
    return [c for v in values for c in re.split(r"[\s,;]+", v or "") if c]


# --- report ------------------------------------------------------------------------------------------------

@dataclass
class Rejection:
    line: int
    identifier: str
    reason: str


@dataclass
class ImportReport:
    kind: str  # "annuaire" | "csv"
    file_name: str
    dry_run: bool
    territory: str = ""
    lines_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # out of the territory
    rejected_count: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    created_sample: list[dict] = field(default_factory=list)
    updated_sample: list[dict] = field(default_factory=list)

    def reject(self, line: int, identifier: str, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTIONS_KEPT:
            self.rejected.append(Rejection(line, identifier, reason))

    def figures(self) -> dict[str, int]:
        return {"lines_read": self.lines_read, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected_count, "skipped": self.skipped}

    def summary(self) -> str:
        text = (f"{self.created} créée(s), {self.updated} mise(s) à jour, {self.unchanged} inchangée(s), "
                f"{self.rejected_count} ligne(s) rejetée(s)")
        if self.kind == "annuaire":
            text += f", {self.skipped} ligne(s) hors territoire"
        return text


# --- batched upsert ----------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def plan_changes(current: dict[str, Any], incoming: dict[str, Any], *, source: str,
                 replaceable: frozenset[str]) -> dict[str, Any]:
    """The fields to write on an existing professional, following the contact rules.

    An empty imported value never blanks a phone or an e-mail; a contact typed by hand (source
    ``manual``) is never replaced; an empty contact is filled and one from a replaceable source updated.
    """
    changes: dict[str, Any] = {}
    for key, new in incoming.items():
        old = current.get(key)
        if new == old or (key in NEVER_BLANKED and not new):
            continue
        if key in CONTACT_FIELDS:
            if old and current.get(f"{key}_source") not in replaceable:
                continue
            changes[f"{key}_source"] = source
        changes[key] = new
    return changes


@dataclass
class _Pending:
    line: int
    data: dict[str, Any]

    @property
    def label(self) -> str:
        return f"RPPS {self.data['rpps']}" if self.data.get("rpps") else f"ADELI {self.data.get('adeli')}"


class BatchUpserter:
    """Validated lines in, one query per batch to find who exists, one commit per batch."""

    def __init__(self, *, report: ImportReport, actor: User | None, source: str, replaceable: Iterable[str],
                 dry_run: bool, batch_size: int = BATCH_SIZE, on_batch: Callable[[ImportReport], None] | None = None):
        self.report, self.actor, self.source, self.dry_run = report, actor, source, dry_run
        self.replaceable = frozenset(replaceable)
        self.batch_size, self.on_batch = batch_size, on_batch
        self.pending: list[_Pending] = []
        self.seen: set[tuple[str, str]] = set()

    def add(self, line: int, data: dict[str, Any]) -> None:
        """Queue a validated line; a person already met in this file counts as unchanged."""
        keys = {(k, data[k]) for k in ("rpps", "adeli") if data.get(k)}
        if keys & self.seen:
            self.report.unchanged += 1
            return
        self.seen |= keys
        self.pending.append(_Pending(line, data))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        items, self.pending = self.pending, []
        if not items:
            return
        try:
            outcomes = self._write(items)
        except IntegrityError:
            # someone saved one of these numbers meanwhile: retry line by line so only that one is refused
            db.session.rollback()
            outcomes = [o for item in items for o in self._write_alone(item)]
        for outcome in outcomes:
            outcome(self.report)
        if self.on_batch:
            self.on_batch(self.report)

    def finish(self, *, file_label: str) -> ImportReport:
        """Write the last batch and the summary audit row; a dry run rolls everything back."""
        self.flush()
        report = self.report
        if self.dry_run:
            db.session.rollback()
            return report
        audit.record(actor=self.actor, action="directory.import", object_type="directory",
                     summary=f"Import {file_label} « {report.file_name} » : {report.summary()}",
                     changes={k: [None, v] for k, v in report.figures().items()})
        db.session.commit()
        return report

    def _write_alone(self, item: _Pending) -> list[Callable[[ImportReport], None]]:
        try:
            return self._write([item])
        except IntegrityError:
            db.session.rollback()
            return [_rejected(item, "Ce numéro vient d'être enregistré par une autre saisie : réimportez le fichier.")]

    def _write(self, items: list[_Pending]) -> list[Callable[[ImportReport], None]]:
        by_rpps, by_adeli = self._existing(items)
        outcomes, created = [], []
        for item in items:
            found = {p.id: p for p in (by_rpps.get(item.data.get("rpps")), by_adeli.get(item.data.get("adeli"))) if p}
            if len(found) > 1:
                outcomes.append(_rejected(item, "Le RPPS et l'ADELI désignent deux fiches différentes de l'annuaire."))
            elif found:
                outcomes.append(self._update(item, next(iter(found.values()))))
            else:
                created.append(item)
        outcomes.extend(self._create(created))
        if not self.dry_run:
            db.session.commit()
        return outcomes

    def _existing(self, items: list[_Pending]) -> tuple[dict, dict]:
        rpps = [i.data["rpps"] for i in items if i.data.get("rpps")]
        adeli = [i.data["adeli"] for i in items if i.data.get("adeli")]
        clauses = ([Professional.rpps.in_(rpps)] if rpps else []) + ([Professional.adeli.in_(adeli)] if adeli else [])
        stmt = sa.select(Professional).where(sa.or_(*clauses))
        if any("tags" in i.data for i in items):
            stmt = stmt.options(selectinload(Professional.tags))
        rows = db.session.scalars(stmt).all()
        return {p.rpps: p for p in rows if p.rpps}, {p.adeli: p for p in rows if p.adeli}

    def _update(self, item: _Pending, professional: Professional) -> Callable[[ImportReport], None]:
        keys = list(item.data) + [f"{k}_source" for k in CONTACT_FIELDS if k in item.data]
        current = {k: professional.skill_list if k == "tags" else _plain(getattr(professional, k)) for k in keys}
        changes = plan_changes(current, item.data, source=self.source, replaceable=self.replaceable)
        if not changes:
            return _counted("unchanged")
        audited = {k: [current.get(k), v] for k, v in changes.items() if not k.endswith("_source")}
        if not self.dry_run:
            _assign(professional, changes)
            audit.record(actor=self.actor, action="professional.import_update", object_type="professional",
                         object_id=professional.id, summary=f"Fiche mise à jour par import : "
                         f"{professional.display_name}", changes=audited)
        sample = {"name": professional.display_name, "identifier": item.label, "changes": audited}
        return _counted("updated", sample)

    def _create(self, items: list[_Pending]) -> list[Callable[[ImportReport], None]]:
        professionals = []
        for item in items:
            values = dict(item.data)
            for key in CONTACT_FIELDS:
                if values.get(key):
                    values[f"{key}_source"] = self.source
            professional = Professional(last_name="", first_name="", profession_code="", profession="")
            _assign(professional, values)
            professionals.append(professional)
        if not self.dry_run and professionals:
            db.session.add_all(professionals)
            db.session.flush()
            for professional, item in zip(professionals, items, strict=True):
                audit.record(actor=self.actor, action="professional.import_create", object_type="professional",
                             object_id=professional.id, summary=f"Fiche créée par import : "
                             f"{professional.display_name}", changes=audit.changes_between({}, item.data))
        return [_counted("created", {"name": p.display_name, "identifier": i.label, "profession": p.profession,
                                     "commune": p.commune_name or p.commune_code or ""})
                for p, i in zip(professionals, items, strict=True)]


def _assign(professional: Professional, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "tags":
            kept = [t for t in professional.tags if t.tag in value]
            have = {t.tag for t in kept}
            professional.tags = kept + [ProfessionalTag(tag=t) for t in value if t not in have]
        elif key in ENUM_FIELDS:
            setattr(professional, key, ENUM_FIELDS[key](value) if value else None)
        else:
            setattr(professional, key, value)


def _counted(what: str, sample: dict | None = None) -> Callable[[ImportReport], None]:
    def outcome(report: ImportReport) -> None:
        setattr(report, what, getattr(report, what) + 1)
        samples = getattr(report, f"{what}_sample", None)
        if sample is not None and samples is not None and len(samples) < SAMPLE_SIZE:
            samples.append(sample)

    return outcome


def _rejected(item: _Pending, reason: str) -> Callable[[ImportReport], None]:
    return lambda report: report.reject(item.line, item.label, reason)


def schema_errors(exc: ValidationError, labels: dict[str, str]) -> str:
    """A French sentence naming each refused field by its column label."""
    parts = []
    for key, messages in exc.messages.items():
        text = " ".join(messages) if isinstance(messages, list) else str(messages)
        parts.append(f"{labels.get(key, key)} : {text}")
    return " ; ".join(parts)


# --- the Annuaire Santé file -------------------------------------------------------------------------------

ANNUAIRE_COLUMNS = (
    Column("id_type", "Type d'identifiant PP"),
    Column("pp_id", "Identifiant PP", required=True),
    Column("national_id", "Identification nationale PP"),
    Column("practice_civility_code", "Code civilité d'exercice"),
    Column("practice_civility", "Libellé civilité d'exercice"),
    Column("civility_code", "Code civilité"),
    Column("last_name", "Nom d'exercice", required=True),
    Column("first_name", "Prénom d'exercice", required=True),
    Column("profession_code", "Code profession", required=True),
    Column("profession", "Libellé profession", required=True),
    Column("specialty", "Libellé savoir-faire"),
    Column("practice_mode", "Libellé mode exercice", aliases=("Libellé mode d'exercice",)),
    Column("structure_name", "Raison sociale site"),
    Column("postal_code", "Code postal (coord. structure)"),
    Column("commune_code", "Code commune (coord. structure)", required=True),
    Column("commune_name", "Libellé commune (coord. structure)"),
    Column("structure_phone", "Téléphone (coord. structure)"),
    Column("email", "Adresse e-mail (coord. structure)", aliases=("Adresse email (coord. structure)",)),
)
ANNUAIRE_LABELS = {c.key: c.label for c in ANNUAIRE_COLUMNS} | {"rpps": "Identifiant PP", "adeli": "Identifiant PP"}
DIRECT_FIELDS = ("last_name", "first_name", "profession_code", "profession", "specialty", "practice_mode",
                 "structure_name", "postal_code", "commune_code", "commune_name", "structure_phone", "email")
CIVILITIES = {"dr": "Dr", "docteur": "Dr", "pr": "Pr", "professeur": "Pr", "m": "M.", "monsieur": "M.",
              "mme": "Mme", "madame": "Mme", "mlle": "Mme", "mademoiselle": "Mme"}


def civility_of(*candidates: str | None) -> str | None:
    """Dr/Pr from the practice civility, else M./Mme; None when nothing is recognised."""
    for value in candidates:
        if value and (found := CIVILITIES.get(normalize_header(value))):
            return found
    return None


def identifier_of(id_type: str | None, pp_id: str, national: str | None) -> dict[str, str]:
    """``{"rpps": …}`` or ``{"adeli": …}`` from the type (8 = RPPS, 0 = ADELI), else the national id."""
    kind = id_type or (national[:1] if national else "")
    number = pp_id or (national[1:] if national else "")
    if not kind:
        kind = "8" if len(number) == 11 else "0" if len(number) == 9 else ""
    if not number:
        raise LineError("Identifiant PP manquant.")
    if kind == "8":
        return {"rpps": number}
    if kind == "0":
        return {"adeli": number}
    raise LineError(f"Type d'identifiant PP « {kind} » inconnu (8 = RPPS, 0 = ADELI).")


class AnnuaireLines:
    """Turns a kept line's fields into the professional's validated values."""

    def __init__(self, header: list[str]):
        self.width = len(header)
        self.index = map_columns(header, ANNUAIRE_COLUMNS, what="de l'extraction PS_LibreAcces_Personne_activite")
        self.schema = ProfessionalInputSchema()

    def value(self, fields: list[str], key: str) -> str | None:
        return fields[self.index[key]].strip() if key in self.index else None

    def identifier(self, fields: list[str]) -> str:
        """The line's identifier as written, for the rejection table (even on a cut line)."""
        for key in ("pp_id", "national_id"):
            if key in self.index and self.index[key] < len(fields) and fields[self.index[key]].strip():
                return fields[self.index[key]].strip()
        return ""

    def record(self, fields: list[str]) -> dict[str, Any]:
        if not (len(fields) == self.width or (len(fields) == self.width + 1 and not fields[-1])):
            raise LineError(f"La ligne compte {len(fields) - (not fields[-1])} champs au lieu de {self.width} : "
                            "un « | » dans une valeur, ou une ligne coupée.")
        if _NOT_UTF8.search("|".join(fields)):
            raise LineError("La ligne contient des caractères qui ne sont pas en UTF-8.")
        get = self.value
        data: dict[str, Any] = identifier_of(get(fields, "id_type"), get(fields, "pp_id") or "",
                                             get(fields, "national_id"))
        data.update({k: v for k in DIRECT_FIELDS if (v := get(fields, k)) is not None})
        data["civility"] = civility_of(get(fields, "practice_civility_code"), get(fields, "practice_civility"),
                                       get(fields, "civility_code"))
        for key in ("last_name", "first_name"):
            if not data.get(key):
                raise LineError(f"{ANNUAIRE_LABELS[key]} manquant : la fiche n'aurait pas de nom.")
        try:
            return self.schema.load(data)
        except ValidationError as exc:
            raise LineError(schema_errors(exc, ANNUAIRE_LABELS)) from None


def import_annuaire(*, path: str | Path, territory: Territory, actor: User | None = None, dry_run: bool = False,
                    batch_size: int = BATCH_SIZE, on_batch: Callable[[ImportReport], None] | None = None,
                    file_name: str | None = None) -> ImportReport:
    """Import the territory's professionals from an Annuaire Santé extraction; ``dry_run`` writes nothing."""
    report = ImportReport(kind="annuaire", file_name=file_name or Path(path).name, dry_run=dry_run,
                          territory=territory.describe())
    upserter = BatchUpserter(report=report, actor=actor, source="annuaire", replaceable={"annuaire"},
                             dry_run=dry_run, batch_size=batch_size, on_batch=on_batch)
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        lines = AnnuaireLines(_header(handle.readline()))
        commune_at, postal_at = lines.index["commune_code"], lines.index.get("postal_code", -1)
        # 98 % of the national file is elsewhere: a line without "|31" (say) is skipped without being split.
        quick = territory.quick_filter().search if min(commune_at, postal_at) != 0 else None
        for number, line in enumerate(handle, start=2):
            if quick is not None and quick(line) is None:
                if len(line) > 2:  # not a blank line
                    report.lines_read += 1
                    report.skipped += 1
                continue
            fields = line.split("|")
            if len(fields) == 1 and not line.strip():
                continue
            report.lines_read += 1
            try:
                commune, postal = fields[commune_at], fields[postal_at] if postal_at >= 0 else ""
            except IndexError:
                commune = postal = ""
            if not territory.keeps(commune.strip(), postal.strip()):
                report.skipped += 1
                continue
            fields[-1] = fields[-1].rstrip("\r\n")
            try:
                upserter.add(number, lines.record(fields))
            except LineError as exc:
                report.reject(number, lines.identifier(fields), str(exc))
    return upserter.finish(file_label="de l'Annuaire Santé")


def _header(line: str) -> list[str]:
    if _NOT_UTF8.search(line):
        raise ServiceError("bad_encoding", "Fichier refusé : il n'est pas encodé en UTF-8 (l'extraction publique "
                           "de l'Annuaire Santé l'est).", field="file", status=400)
    header = line.lstrip("\ufeff").rstrip("\r\n").split("|")
    return header[:-1] if header and not header[-1] else header
