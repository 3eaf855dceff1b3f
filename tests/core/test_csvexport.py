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


def test_the_one_escaper_takes_the_safest_rules_of_both_former_copies():
    """Leading spaces, tabs and line breaks, the full-width signs, and an apostrophe of the text itself."""
    for typed in ("\n=1", "\r=1", "  \t@A1", "\u00a0=1", "\uff1dSUM(A1)", "\uff0b1", "\uff0d1", "\uff20A1",
                  "'=1", "'quoted", "''"):
        cell = safe_cell(typed)
        assert cell == "'" + typed, typed
        assert unescape_cell(cell) == typed, typed  # the directory's import reads back exactly what was written


def test_text_that_no_spreadsheet_runs_is_left_alone_and_read_back_as_is():
    for typed in ("Dupont", "a=b", "1-2", "mail@example.org", "", "   ", "\t", "l'apostrophe"):
        assert safe_cell(typed) == typed, typed
        assert unescape_cell(typed) == typed, typed
    assert unescape_cell("'bonjour") == "'bonjour"  # a hand-typed apostrophe that we did not add stays

