"""The directory's imports, in one place for their callers (CLI, pages, benchmarks).

* ``import_columns``: header mapping by name and line errors;
* ``import_territory``: the départements and communes kept;
* ``import_upsert``: the batched upsert and its report;
* ``annuaire``: the Annuaire Santé extraction; ``csv_io``: the directory's own CSV.
"""

from __future__ import annotations

from crisis_app.directory.annuaire import ANNUAIRE_COLUMNS, AnnuaireLines, civility_of, identifier_of, import_annuaire
from crisis_app.directory.import_columns import Column, LineError, map_columns, normalize_header, schema_errors
from crisis_app.directory.import_territory import Territory, departement_of, parse_territory
from crisis_app.directory.import_upsert import BATCH_SIZE, BatchUpserter, ImportReport, Rejection, plan_changes

__all__ = [
    "ANNUAIRE_COLUMNS", "BATCH_SIZE", "AnnuaireLines", "BatchUpserter", "Column", "ImportReport", "LineError",
    "Rejection", "Territory", "civility_of", "departement_of", "identifier_of", "import_annuaire", "map_columns",
    "normalize_header", "parse_territory", "plan_changes", "schema_errors",
]
