"""CSV for spreadsheets: a byte order mark, and formula-looking cells made inert and back."""

import csv
import io

import pytest

from portal.csvfiles import csv_lines, inert, revived


@pytest.mark.parametrize("cell", ["=1+1", "+82 2 120", "-5", "@SUM(A1)", "\tx"])
def test_formula_looking_cells_are_written_as_text_and_read_back(cell):
    assert inert(cell) == "'" + cell
    assert revived(inert(cell)) == cell


def test_other_cells_are_left_alone():
    assert inert("월세") == "월세" and inert(12) == 12
    assert revived("'quoted on purpose") == "'quoted on purpose"


def test_the_file_starts_with_a_byte_order_mark_and_parses_back():
    text = "".join(csv_lines([["제목", "=cmd"], ["房租, 押金", "x"]]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["제목", "'=cmd"], ["房租, 押金", "x"]]
