"""The directory as a CSV file for Excel: export of a (filtered) directory, and import of the same columns.

``;``-separated, UTF-8 with a BOM (Excel's « CSV UTF-8 »), French headers, tags joined by ``,``.
An export imported back changes nothing: every value is written in a form the import reads back.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

import phonenumbers
from marshmallow import ValidationError
from sqlalchemy.orm import selectinload

from crisis_app.core import audit
from crisis_app.core.csvexport import escape_text, unescape_cell
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.imports.columns import Column, LineError, map_columns, normalize_header, schema_errors
from crisis_app.directory.imports.upsert import BatchUpserter, ImportReport, ProgressMeter
from crisis_app.directory.professionals.models import (
    CrisisRole,
    Membership,
    Professional,
    StructureType,
)
from crisis_app.directory.professionals.query import filter_statement
from crisis_app.directory.professionals.schemas import ProfessionalInputSchema

DELIMITER = ";"
CSV_COLUMNS = (
    Column("rpps", "RPPS"), Column("adeli", "ADELI"), Column("civility", "Civilité"),
    Column("last_name", "Nom", required=True), Column("first_name", "Prénom", required=True),
    Column("profession_code", "Code profession", required=True), Column("profession", "Profession", required=True),
    Column("specialty", "Savoir-faire"), Column("practice_mode", "Mode d'exercice"),
    Column("structure_name", "Structure"), Column("structure_type", "Type de structure"),
    Column("commune_code", "Code commune"), Column("commune_name", "Commune"), Column("postal_code", "Code postal"),
    Column("mobile_phone", "Téléphone mobile", aliases=("Mobile",)),
    Column("structure_phone", "Téléphone de la structure"),
    Column("email", "E-mail", aliases=("Adresse e-mail", "Email")), Column("tags", "Étiquettes"),
    Column("crisis_role", "Rôle de crise"), Column("membership", "Appartenance"), Column("active", "Fiche active"),
)
LABELS = {c.key: c.label for c in CSV_COLUMNS}
ENUMS = {"structure_type": StructureType, "crisis_role": CrisisRole, "membership": Membership}  # cells are labels
PHONES = ("mobile_phone", "structure_phone")
YES, NO = "oui", "non"
ZERO_PADDED = {"postal_code": 5, "commune_code": 5, "adeli": 9}


# --- export ------------------------------------------------------------------------------------------------

def _phone_cell(e164: str | None) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "FR")
    style = phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 33 else \
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def row_of(professional: Professional) -> list[str]:
    """One professional as the CSV's cells, in the order of ``CSV_COLUMNS``."""
    cells = []
    for column in CSV_COLUMNS:
        value = getattr(professional, column.key) if column.key != "tags" else professional.skill_list
        if column.key in PHONES:
            text = _phone_cell(value)
        elif column.key in ENUMS:
            text = value.label if value and value is not CrisisRole.NONE else ""
        elif column.key == "tags":
            text = ",".join(value)
        elif column.key == "active":
            text = YES if value else NO
        else:
            text = value or ""
        cells.append(escape_text(text))  # core's formula-safe rule; the import undoes it
    return cells


def write_directory(handle: TextIO, criteria: Mapping[str, Any]) -> int:
    """Write the professionals matching ``criteria`` (header first); returns how many."""
    writer = csv.writer(handle, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([c.label for c in CSV_COLUMNS])
    stmt = (filter_statement(criteria).options(selectinload(Professional.tags))
            .order_by(Professional.last_name, Professional.first_name, Professional.id)
            .execution_options(yield_per=500))
    count = 0
    for professional in db.session.scalars(stmt):
        writer.writerow(row_of(professional))
        count += 1
    return count


def export_directory(*, actor: User | None, criteria: Mapping[str, Any], handle: TextIO) -> int:
    """Write the directory as CSV to ``handle``; the export of personal data is audited. Returns the count.

    The full export (mobiles, e-mails, identifiers) is the coordinator's (``directory.export``, see
    professionals/exports.py).
    """
    count = write_directory(handle, criteria)
    audit.record(actor=actor, action="directory.export", object_type="directory",
                 summary=f"Export complet de l'annuaire (mobiles et e-mails compris) : {count} fiche(s)",
                 changes={"criteria": [None, dict(criteria)], "people": [None, count]})
    return count


# --- import ------------------------------------------------------------------------------------------------

def _enum_value(key: str, text: str) -> str | None:
    if not text:
        return None
    wanted = normalize_header(text)
    for member in ENUMS[key]:
        if wanted in (normalize_header(member.value), normalize_header(member.label)):
            return member.value
    choices = ", ".join(member.label for member in ENUMS[key] if member.label != "—")
    raise LineError(f"{LABELS[key]} : « {text} » inconnu ; valeurs possibles : {choices}.")


def _active(text: str) -> bool | None:
    word = normalize_header(text)
    if not word:
        return None
    if word in ("oui", "o", "1", "vrai", "true"):
        return True
    if word in ("non", "n", "0", "faux", "false"):
        return False
    raise LineError(f"{LABELS['active']} : répondez « oui » ou « non » (reçu « {text} »).")


class CsvRows:
    """Turns a CSV row into a professional's validated values; absent columns are left untouched."""

    def __init__(self, header: list[str]):
        self.index = map_columns(header, CSV_COLUMNS, what="d'un export CSV de l'annuaire de Vigie")
        if "rpps" not in self.index and "adeli" not in self.index:
            raise ServiceError("bad_header", "Fichier refusé : il faut une colonne « RPPS » ou « ADELI ».",
                               field="file", status=400)
        self.width = len(header)
        self.schema = ProfessionalInputSchema()

    def identifier(self, row: list[str]) -> str:
        for key in ("rpps", "adeli"):
            if key in self.index and self.index[key] < len(row) and row[self.index[key]].strip():
                return row[self.index[key]].strip()
        return ""

    def record(self, row: list[str]) -> dict[str, Any]:
        if len(row) < self.width:
            raise LineError(f"La ligne compte {len(row)} colonnes au lieu de {self.width}.")
        cells = {key: unescape_cell(row[i].strip()) for key, i in self.index.items()}
        for key, width in ZERO_PADDED.items():  # Excel drops the leading 0 of 01000 or of an ADELI 01…
            if cells.get(key, "").isdigit() and len(cells[key]) == width - 1:
                cells[key] = "0" + cells[key]
        data: dict[str, Any] = {k: v for k, v in cells.items() if k not in ENUMS and k not in ("tags", "active")}
        for key in ENUMS.keys() & cells.keys():
            value = _enum_value(key, cells[key])
            if value is not None or key == "structure_type":
                data[key] = value or ""
        if "tags" in cells:
            data["tags"] = [t for t in cells["tags"].split(",") if t.strip()]
        active = _active(cells["active"]) if "active" in cells else None
        try:
            clean = self.schema.load(data)
        except ValidationError as exc:
            raise LineError(schema_errors(exc, LABELS)) from None
        if active is not None:
            clean["active"] = active
        return clean


def _check_utf8(path: Path) -> str:
    """The first line, once the whole file is known to be UTF-8 (nothing is written otherwise)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            for _ in handle:
                pass
    except UnicodeDecodeError:
        raise ServiceError("bad_encoding", "Fichier refusé : il n'est pas en UTF-8. Dans Excel, enregistrez-le au "
                           "format « CSV UTF-8 (délimité par des points-virgules) ».", field="file",
                           status=400) from None
    return first


def import_csv(*, path: str | Path, actor: User | None = None, dry_run: bool = False,
               file_name: str | None = None, on_batch: Callable[[ImportReport], None] | None = None,
               on_progress: Callable[[float], None] | None = None) -> ImportReport:
    """Create or update professionals from a directory CSV, by RPPS/ADELI; ``dry_run`` writes nothing."""
    path = Path(path)
    first = _check_utf8(path)
    delimiter = DELIMITER if first.count(DELIMITER) >= first.count(",") else ","
    report = ImportReport(kind="csv", file_name=file_name or path.name, dry_run=dry_run)
    upserter = BatchUpserter(report=report, actor=actor, source="csv", replaceable={"annuaire", "csv"},
                             dry_run=dry_run, on_batch=on_batch)
    meter = ProgressMeter(path.stat().st_size, on_progress)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(_metered(handle, meter), delimiter=delimiter)
        rows = CsvRows(next(reader, []))
        for row in _rows(reader):
            report.lines_read += 1
            try:
                upserter.add(reader.line_num, rows.record(row))
            except LineError as exc:
                report.reject(reader.line_num, rows.identifier(row), str(exc))
    return upserter.finish(file_label="CSV")


def _metered(handle: TextIO, meter: ProgressMeter) -> Iterator[str]:
    for line in handle:
        meter.feed(len(line))
        yield line


def check_header(path: str | Path) -> None:
    """Refuse at once a file that is not UTF-8 or lacks the columns an import needs."""
    path = Path(path)
    first = _check_utf8(path)
    delimiter = DELIMITER if first.count(DELIMITER) >= first.count(",") else ","
    CsvRows(next(csv.reader([first], delimiter=delimiter), []))


def _rows(reader) -> Iterator[list[str]]:
    for row in reader:
        if any(cell.strip() for cell in row):
            yield row
