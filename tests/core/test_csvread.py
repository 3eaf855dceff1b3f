"""The core CSV reader refuses a malformed file with a French message naming the line, never a 500."""

import io

import pytest

from crisis_app.core import csvread
from crisis_app.core.errors import ServiceError


def test_rows_and_line_numbers_are_those_of_the_csv_module():
    rows = csvread.reader(io.StringIO("a;b\r\n1;2\r\n"))
    assert list(rows) == [["a", "b"], ["1", "2"]] and rows.line_num == 2


def test_a_cell_over_the_field_limit_is_a_clean_refusal_naming_the_line():
    text = "nom;commentaire\r\nA;ok\r\nB;" + "x" * (csvread.FIELD_LIMIT + 1) + "\r\n"
    with pytest.raises(ServiceError) as refused:
        list(csvread.reader(io.StringIO(text)))
    assert refused.value.status == 400 and refused.value.code == "csv_invalid"
    assert "ligne 3" in refused.value.message and "dépasse" in refused.value.message


def test_a_stray_quote_in_strict_mode_is_a_clean_refusal():
    with pytest.raises(ServiceError, match="pas un CSV valide"):
        list(csvread.reader(io.StringIO('a;"b"x\r\n'), strict=True))
