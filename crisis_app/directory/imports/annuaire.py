"""Import of the Annuaire Santé extraction: streamed, kept to the CPTS's territory, upserted in batches.

The public file ``PS_LibreAcces_Personne_activite_*.txt`` has millions of lines and its columns change
between versions, so it is read line by line, by header name, and only the territory's lines are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.imports.columns import Column, LineError, map_columns, normalize_header, schema_errors
from crisis_app.directory.imports.territory import Territory
from crisis_app.directory.imports.upsert import BATCH_SIZE, BatchUpserter, ImportReport, ProgressMeter
from crisis_app.directory.professionals.schemas import ProfessionalInputSchema

_NOT_UTF8 = re.compile("[\udc80-\udcff]")


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
                    file_name: str | None = None,
                    on_progress: Callable[[float], None] | None = None) -> ImportReport:
    """Import the territory's professionals from an Annuaire Santé extraction; ``dry_run`` writes nothing."""
    report = ImportReport(kind="annuaire", file_name=file_name or Path(path).name, dry_run=dry_run,
                          territory=territory.describe())
    upserter = BatchUpserter(report=report, actor=actor, source="annuaire", replaceable={"annuaire"},
                             dry_run=dry_run, batch_size=batch_size, on_batch=on_batch)
    meter = ProgressMeter(Path(path).stat().st_size, on_progress)
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        lines = AnnuaireLines(_header(handle.readline()))
        commune_at, postal_at = lines.index["commune_code"], lines.index.get("postal_code", -1)
        # 98 % of the national file is elsewhere: a line without "|31" (say) is skipped without being split.
        quick = territory.quick_filter().search if min(commune_at, postal_at) != 0 else None
        for number, line in enumerate(handle, start=2):
            meter.feed(len(line))
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


def check_header(path: str | Path) -> None:
    """Refuse at once a file that is not UTF-8 at its start or lacks a required column (no line is read)."""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        AnnuaireLines(_header(handle.readline()))
