"""Files a spreadsheet opens (CSV, Excel) written so that no value runs as a formula.

A value sent by a member (a payer name, an item title) that starts with = + - @, a tab or a
carriage return would be read by Excel or LibreOffice as a formula: it could link out with the
sheet's contents (OWASP, "CSV Injection"). Such text gets a leading apostrophe, the spreadsheet
convention for "this is text"; numbers stay numbers. In Excel, text cells keep their value and
are typed as text with the quote-prefix style, so the sheet never evaluates them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list of characters that start a formula
_TRIGGER = "^[=+@\t\r-]"
_NUMBER = r"^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_IS_NUMBER = re.compile(_NUMBER)


def safe_text(value: object) -> object:
    """A cell's value as a spreadsheet should see it: text that could start a formula is
    quoted; numbers, dates and empty values are left as they are."""
    if not isinstance(value, str):
        return value
    if value.startswith(TRIGGERS) and not _IS_NUMBER.match(value):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text with every value made safe (None is written empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_text(name) for name in header])
    writer.writerows([safe_text(value) for value in row] for row in rows)
    return out.getvalue()


def safe_table(table: pa.Table) -> pa.Table:
    """A table whose text columns are made safe, column-wise (for large exports)."""
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.and_(
                pc.match_substring_regex(column, _TRIGGER),
                pc.invert(pc.match_substring_regex(column, _NUMBER)),
            )
            column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def write_csv(table: pa.Table, path: Path) -> None:
    """A table written as a safe CSV file."""
    pacsv.write_csv(safe_table(table), path)


def append_row(sheet: Worksheet, values: Sequence[object]) -> None:
    """A row added to an Excel sheet, its text cells typed as quote-prefixed text (so
    `=HYPERLINK(...)` is shown as written, never run)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            cell.quotePrefix = True


def new_workbook() -> tuple[Workbook, Worksheet]:
    """A workbook and its first sheet."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one sheet
    return book, sheet
