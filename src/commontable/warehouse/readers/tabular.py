"""CSV and Parquet files named after their canonical table (medical_claim.csv, patient.parquet)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from commontable.errors import InvalidSubmission
from commontable.warehouse.readers.base import ROW_REF, Batch, Reading, RowProblem, text_table

BLOCK_SIZE = 64 << 20  # a row must fit in one block; 64 MiB allows very long free-text fields
FIRST_DATA_ROW = 2  # row 1 is the header, as a spreadsheet shows it


def _row_refs(count: int) -> pa.Array:
    return pc.binary_join_element_wise(
        "row ", pc.cast(pa.array(range(FIRST_DATA_ROW, count + 2)), pa.string()), ""
    )


def _sniff(path: Path) -> tuple[list[str], str]:
    """The header's column names and the delimiter (comma, tab or pipe)."""
    with path.open("rb") as handle:
        first = handle.readline()
    if not first.strip():
        raise InvalidSubmission(path.name, "the file is empty: send a header row and data rows")
    try:
        line = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidSubmission(
            path.name, "the file is not UTF-8 text: save it as UTF-8 CSV"
        ) from error
    delimiter = max([",", "\t", "|"], key=line.count)
    header = next(csv.reader([line], delimiter=delimiter))
    names = [h.strip() for h in header]
    blank = [i + 1 for i, n in enumerate(names) if not n]
    if blank:
        raise InvalidSubmission(path.name, f"header column {blank[0]} has no name")
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise InvalidSubmission(path.name, f"header names {', '.join(twice)} more than once")
    return names, delimiter


def _skip(bad_rows: list[str], text: str) -> str:
    bad_rows.append(text)
    return "skip"


def read_csv(path: Path, table: str) -> Reading:
    """Every value as text; a record with the wrong number of fields is quarantined by number."""
    names, delimiter = _sniff(path)
    bad_rows: list[str] = []
    try:
        rows = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=BLOCK_SIZE, column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                invalid_row_handler=lambda row: _skip(bad_rows, row.text),
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise InvalidSubmission(path.name, f"cannot be read as CSV: {error}") from error
    if bad_rows:
        return _read_csv_slowly(path, table, names, delimiter)
    rows = rows.append_column(ROW_REF, _row_refs(rows.num_rows))
    return Reading(batches=[Batch(table, path.name, rows)])


def _read_csv_slowly(path: Path, table: str, names: list[str], delimiter: str) -> Reading:
    """The exact path for a file with malformed records: numbers each record as it is read."""
    csv.field_size_limit(BLOCK_SIZE)
    columns: dict[str, list[str | None]] = {n: [] for n in [*names, ROW_REF]}
    problems = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader)
        for number, record in enumerate(reader, start=FIRST_DATA_ROW):
            if not record:
                continue
            if len(record) != len(names):
                reason = f"has {len(record)} fields; the header has {len(names)}"
                problems.append(RowProblem(path.name, f"row {number}", reason, table))
                continue
            for name, value in zip(names, record, strict=True):
                columns[name].append(value)
            columns[ROW_REF].append(f"row {number}")
    return Reading(batches=[Batch(table, path.name, text_table(columns))], problems=problems)


def read_parquet(path: Path, table: str) -> Reading:
    """Parquet columns turned to text the way a CSV would hold them (ISO dates, true/false)."""
    try:
        data = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise InvalidSubmission(path.name, f"cannot be read as Parquet: {error}") from error
    columns = {name: _as_text(data.column(name)) for name in data.column_names}
    rows = pa.table(columns) if columns else pa.table({})
    rows = rows.append_column(ROW_REF, _row_refs(data.num_rows))
    return Reading(batches=[Batch(table, path.name, rows)])


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_timestamp(kind):
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "true", "false")
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
    return column.cast(pa.string())
