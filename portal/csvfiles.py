"""CSV files for spreadsheets: UTF-8 with a byte order mark, and no cell run as a formula."""

import csv
import io
from collections.abc import Iterable, Iterator

# A cell starting with one of these is a formula to a spreadsheet program (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell):
    """A cell a spreadsheet would run as a formula is written as text (an apostrophe first)."""
    if isinstance(cell, str) and cell[:1] in FORMULA_STARTS:
        return "'" + cell
    return cell


def revived(cell: str) -> str:
    """A cell as it was before ``inert`` (for files exported here and imported back)."""
    if cell[:1] == "'" and cell[1:2] and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """CSV text, line by line: a byte order mark first (so spreadsheet programs read the
    file as UTF-8 in every script), then each row with formula-looking cells made inert."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([inert(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
