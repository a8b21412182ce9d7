"""CSV and Parquet files named after their canonical table (medical_claim.csv, patient.parquet)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from commontable.errors import InvalidSubmission
from commontable.warehouse.readers.base import ROW_REF, Batch, Reading, RowProblem, text_table
from commontable.warehouse.readers.limits import Limits, expanded_size, too_large

BLOCK_SIZE = 64 << 20  # a row must fit in one block; 64 MiB allows very long free-text fields
CHUNK_ROWS = 1_000_000  # rows validated and written at a time, so memory stays flat
FIRST_DATA_ROW = 2  # row 1 is the header, as a spreadsheet shows it


def _row_refs(first: int, count: int) -> pa.Array:
    numbers = pc.cast(pa.array(range(first, first + count)), pa.string())
    return pc.binary_join_element_wise("row ", numbers, "")


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


def read_csv(path: Path, table: str) -> Iterator[Reading]:
    """Every value as text, in chunks of at most CHUNK_ROWS rows so any file size fits in memory.

    A record with the wrong number of fields is quarantined by its row number: from the chunk
    where one first appears, the rest of the file is read by the exact (slower) record reader.
    """
    names, delimiter = _sniff(path)
    bad_rows: list[str] = []
    try:
        reader = pacsv.open_csv(
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
        done = 0
        for rows in _chunks(reader):
            if bad_rows:
                yield from _read_csv_slowly(path, table, names, delimiter, skip=done)
                return
            refs = _row_refs(FIRST_DATA_ROW + done, rows.num_rows)
            yield Reading(batches=[Batch(table, path.name, rows.append_column(ROW_REF, refs))])
            done += rows.num_rows
        if bad_rows:  # malformed records after the last chunk read
            yield from _read_csv_slowly(path, table, names, delimiter, skip=done)
        elif done == 0:  # a header and no rows: still a batch, so the header is checked
            empty: dict[str, list[str | None]] = {n: [] for n in [*names, ROW_REF]}
            yield Reading(batches=[Batch(table, path.name, text_table(empty))])
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise InvalidSubmission(path.name, f"cannot be read as CSV: {error}") from error


def _chunks(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.Table]:
    """Record batches gathered into tables of about CHUNK_ROWS rows."""
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in batches:
        pending.append(batch)
        size += batch.num_rows
        if size >= CHUNK_ROWS:
            yield pa.Table.from_batches(pending)
            pending, size = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _read_csv_slowly(
    path: Path, table: str, names: list[str], delimiter: str, skip: int
) -> Iterator[Reading]:
    """The exact path for a file with malformed records: numbers each record as it is read."""
    csv.field_size_limit(BLOCK_SIZE)
    reading = Reading()
    columns: dict[str, list[str | None]] = {n: [] for n in [*names, ROW_REF]}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = csv.reader(handle, delimiter=delimiter)
        next(records)
        for number, record in enumerate(records, start=FIRST_DATA_ROW):
            if number < FIRST_DATA_ROW + skip or not record:
                continue
            if len(record) != len(names):
                reason = f"has {len(record)} fields; the header has {len(names)}"
                reading.problems.append(RowProblem(path.name, f"row {number}", reason, table))
                continue
            for name, value in zip(names, record, strict=True):
                columns[name].append(value)
            columns[ROW_REF].append(f"row {number}")
            if len(columns[ROW_REF]) >= CHUNK_ROWS:
                reading.batches.append(Batch(table, path.name, text_table(columns)))
                yield reading
                reading = Reading()
                columns = {n: [] for n in [*names, ROW_REF]}
    reading.batches.append(Batch(table, path.name, text_table(columns)))
    yield reading


def read_parquet(path: Path, table: str, limits: Limits) -> Iterator[Reading]:
    """Parquet columns turned to text the way a CSV would hold them (ISO dates, true/false).

    Text columns stored as a few bytes a value (dictionary indices) are read as dictionaries, so
    the size they take once expanded is known before they are: a few kilobytes of dictionary
    pages can stand for gigabytes of values. Others are read as they are (dictionary-reading
    them would cost a hash per value); their stored size is checked first (limits.check_file).
    """
    try:
        parquet = pq.ParquetFile(path, read_dictionary=_repetitive_text(path))
        done, expanded = 0, 0
        for batch in parquet.iter_batches(batch_size=CHUNK_ROWS):
            expanded += expanded_size(batch, path.name, limits)
            if expanded > limits.max_bytes:
                raise InvalidSubmission(path.name, too_large(limits))
            columns = {name: _as_text(batch.column(name)) for name in batch.schema.names}
            rows = pa.table(columns).append_column(
                ROW_REF, _row_refs(FIRST_DATA_ROW + done, batch.num_rows)
            )
            done += batch.num_rows
            yield Reading(batches=[Batch(table, path.name, rows)])
    except pa.ArrowCapacityError as error:  # a column of a batch beyond 2 GB once expanded
        raise InvalidSubmission(path.name, too_large(limits)) from error
    except (pa.ArrowInvalid, OSError) as error:
        raise InvalidSubmission(path.name, f"cannot be read as Parquet: {error}") from error


REPETITIVE_BYTES = 8  # stored bytes a value, at most, of a column read as a dictionary


def _repetitive_text(path: Path) -> list[str]:
    """Text columns whose every row group stores under REPETITIVE_BYTES a value: dictionary
    indices, however long the values they stand for."""
    meta = pq.ParquetFile(path).metadata
    text = {
        field.name
        for field in meta.schema.to_arrow_schema()
        if pa.types.is_string(field.type)
        or pa.types.is_large_string(field.type)
        or pa.types.is_binary(field.type)
    }
    found = []
    for c in range(meta.num_columns):
        name = meta.schema.column(c).path
        chunks = [meta.row_group(g).column(c) for g in range(meta.num_row_groups)]
        if name in text and all(
            chunk.total_uncompressed_size < REPETITIVE_BYTES * max(chunk.num_values, 1)
            for chunk in chunks
        ):
            found.append(name)
    return found


def _as_text(column: pa.Array) -> pa.Array:
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is not None:  # as the wall clock of its zone
        return pc.strftime(column, format="%Y-%m-%d %H:%M:%S")
    # a naive timestamp's cast gives strftime's text (2024-05-01 13:45:00.000) 30x faster
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "true", "false")
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
    return column.cast(pa.string())
