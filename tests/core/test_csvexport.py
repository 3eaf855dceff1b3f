"""The one CSV writer: formula-safe, French dates, Paris times, a BOM for Excel, one charset."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from crisis_app.core.csvexport import csv_response, safe_cell, to_text, unescape_cell


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_cells_that_would_run_as_formulas_stay_text():
    for typed in ("=HYPERLINK(\"http://x\")", "+33 6", "-1+1", "@SUM(A1)", "\t=1", " =1"):
        cell = safe_cell(typed)
        assert cell.startswith("'"), typed
        assert unescape_cell(cell) == typed


def test_plain_values_are_untouched_and_times_read_in_paris():
    assert safe_cell("Dupont") == "Dupont"
    assert safe_cell(12) == 12
    assert safe_cell(None) == ""
    assert safe_cell(date(2026, 3, 1)) == "01/03/2026"
    # 07:30 UTC in summer is 09:30 in Paris
    assert safe_cell(datetime(2026, 7, 1, 7, 30, tzinfo=UTC)) == "01/07/2026 09:30"


def test_export_round_trip_and_one_charset():
    text = to_text(["Nom", "Commentaire"], [["Anne", "=HYPERLINK(1)"], ["Paul", "ok"]])
    assert text.startswith("\ufeff")
    assert _rows(text) == [["Nom", "Commentaire"], ["Anne", "'=HYPERLINK(1)"], ["Paul", "ok"]]
    with __import__("flask").Flask(__name__).test_request_context():
        response = csv_response("x.csv", ["a"], [["=1"]])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
