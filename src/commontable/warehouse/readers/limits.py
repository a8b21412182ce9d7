"""Limits on what one submitted file may hold, checked while it is read: a file over any of them
is rejected whole, with a message naming the limit, before it can fill the server's memory or
disk (a 0.5 MB Parquet file can hold gigabytes once decompressed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from commontable.config import Settings
from commontable.errors import InvalidSubmission
from commontable.warehouse.readers.base import ROW_REF, Reading

GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """The most one file may hold (settings intake_*; the defaults suit a regional collaborative:
    a state's claims for a year are tens of millions of rows, split across files)."""

    max_file_gb: float = 8.0  # its data, decompressed (the file itself for CSV, FHIR and HL7)
    max_rows: int = 200_000_000  # rows, FHIR resources or HL7 messages
    max_field_chars: int = 32_768  # one value (a free-text note fits; a blob does not)
    # Nesting of a FHIR resource: orjson's own limit (1,024 levels) quarantines a deeper one.

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_gb * GIB)


def limits_of(settings: Settings) -> Limits:
    """The workspace's limits (settings intake_max_*)."""
    return Limits(
        settings.intake_max_file_gb, settings.intake_max_rows, settings.intake_max_field_chars
    )


def check_file(path: Path, limits: Limits) -> None:
    """Before reading: the file's data must fit `max_file_gb` and `max_rows` (for Parquet, as
    its footer declares them decompressed)."""
    if path.suffix.lower() in (".parquet", ".pq"):
        size, rows = _parquet_size(path)
    else:
        size, rows = path.stat().st_size, 0
    if size > limits.max_bytes:
        raise InvalidSubmission(
            path.name,
            f"its data is {size / GIB:,.1f} GB decompressed; the limit is "
            f"{limits.max_file_gb:g} GB a file (intake_max_file_gb): split it into smaller files",
        )
    _check_rows(path.name, rows, limits)


def _parquet_size(path: Path) -> tuple[int, int]:
    try:
        meta = pq.ParquetFile(path).metadata
    except (pa.ArrowInvalid, OSError) as error:
        raise InvalidSubmission(path.name, f"cannot be read as Parquet: {error}") from error
    size = sum(
        meta.row_group(g).column(c).total_uncompressed_size
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    )
    return size, meta.num_rows


def too_large(limits: Limits) -> str:
    return (
        f"its data grows beyond {limits.max_file_gb:g} GB once decompressed "
        "(intake_max_file_gb): split it into smaller files"
    )


def expanded_size(batch: pa.RecordBatch, file_name: str, limits: Limits) -> int:
    """The bytes a batch's values take once its dictionary columns are expanded, found from the
    dictionaries and their indices (nothing is expanded); a value over max_field_chars is
    refused here, before it is copied once per row."""
    size = 0
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if not pa.types.is_dictionary(column.type):
            size += column.nbytes
            continue
        lengths = pc.binary_length(column.dictionary)
        if len(lengths) and pc.max(lengths).as_py() > limits.max_field_chars:
            raise InvalidSubmission(
                file_name, _field_too_long(name, pc.max(lengths).as_py(), limits)
            )
        used = pc.take(lengths, column.indices)
        size += int(pc.sum(used).as_py() or 0) + column.indices.nbytes
    return size


def _field_too_long(column: str, length: int, limits: Limits) -> str:
    return (
        f"a value of {column} has {length:,} characters; the limit is "
        f"{limits.max_field_chars:,} (intake_max_field_chars)"
    )


def _check_rows(file_name: str, rows: int, limits: Limits) -> None:
    if rows > limits.max_rows:
        raise InvalidSubmission(
            file_name,
            f"it holds more than {limits.max_rows:,} rows (intake_max_rows): split it into "
            "smaller files",
        )


def within_limits(readings: Iterator[Reading], limits: Limits) -> Iterator[Reading]:
    """The readings, each batch checked as it comes: rows so far per file, the longest value,
    and what the readers actually decompressed per file (a footer may understate it)."""
    rows: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for reading in readings:
        for batch in reading.batches:
            name = batch.file_name
            rows[name] = rows.get(name, 0) + batch.rows.num_rows
            sizes[name] = sizes.get(name, 0) + batch.rows.nbytes
            _check_rows(name, rows[name], limits)
            if sizes[name] > 2 * limits.max_bytes:  # text columns outgrow typed data a little
                raise InvalidSubmission(name, too_large(limits))
            _check_fields(batch.rows, name, limits)
        yield reading


def _check_fields(rows: pa.Table, file_name: str, limits: Limits) -> None:
    for column in rows.column_names:
        if column == ROW_REF or rows.num_rows == 0:
            continue
        longest = pc.max(pc.utf8_length(rows[column])).as_py()
        if longest is not None and longest > limits.max_field_chars:
            raise InvalidSubmission(file_name, _field_too_long(column, longest, limits))
