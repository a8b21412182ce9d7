"""Write tables the way members send them: CSV (ISO dates, true/false) or Parquet, via pyarrow.

A `Sink` keeps every file open across the chunks of a run and appends each chunk's rows, so a
region of any size is written without holding more than one chunk in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from commontable.synth.frame import Frame, to_table

Edit = tuple[int, str, str | None]  # (row of the chunk's table, column, text written instead)
TEXT_SLICE = 200_000


class Planter(Protocol):
    """What plants errors in the rows a sink is about to write (see synth.flaws)."""

    def table(self, table: pa.Table, path: Path, before: int) -> tuple[pa.Table, list[Edit]]: ...

    def lines(self, lines: pa.Array, path: Path) -> pa.Array: ...


class Sink:
    """Files of a run: tables appended as CSV or Parquet, text (NDJSON, HL7) appended by line."""

    def __init__(self, root: Path, planter: Planter | None = None) -> None:
        self.root = root
        self.planter = planter
        self.rows: dict[Path, int] = {}
        self._parquet: dict[Path, pq.ParquetWriter] = {}
        self._empty: dict[Path, pa.Schema] = {}  # Parquet files with no rows yet
        self._files: dict[Path, IO[Any]] = {}

    def table(
        self, frame: Frame | pa.Table, path: Path, columns: Sequence[str] | None = None
    ) -> int:
        """Append a chunk's rows to a CSV or Parquet file (by suffix); returns rows appended."""
        table = frame if isinstance(frame, pa.Table) else to_table(frame, columns)
        table = _no_null_columns(table)
        before = self.rows.get(path, 0)
        edits: list[Edit] = []
        if self.planter is not None and table.num_rows:
            table, edits = self.planter.table(table, path, before)
        if path.suffix == ".parquet":
            self._append_parquet(_apply(table, edits), path)
        else:
            self._append_csv(table, edits, path)
        self.rows[path] = before + table.num_rows
        return table.num_rows

    def lines(self, lines: pa.Array, path: Path) -> int:
        """Append text lines (each followed by a newline) to an NDJSON or HL7 file."""
        if self.planter is not None and len(lines):
            lines = self.planter.lines(lines, path)
        handle = self._open(path, "w", encoding="utf-8", newline="")
        for start in range(0, len(lines), TEXT_SLICE):
            chunk = lines.slice(start, TEXT_SLICE).to_pylist()
            handle.write("\n".join(chunk) + "\n" if chunk else "")
        self.rows[path] = self.rows.get(path, 0) + len(lines)
        return len(lines)

    def close(self) -> dict[str, int]:
        """Finish every file; returns rows per file, named relative to the root."""
        for writer in self._parquet.values():
            writer.close()
        for path, schema in self._empty.items():
            pq.write_table(schema.empty_table(), path, compression="zstd")
        for handle in self._files.values():
            handle.close()
        self._parquet, self._empty, self._files = {}, {}, {}
        return {str(p.relative_to(self.root)): rows for p, rows in self.rows.items()}

    def _open(self, path: Path, mode: str, **options: Any) -> IO[Any]:
        handle = self._files.get(path)
        if handle is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = self._files[path] = path.open(mode, **options)
        return handle

    def _append_parquet(self, table: pa.Table, path: Path) -> None:
        writer = self._parquet.get(path)
        if writer is None:
            if not table.num_rows:
                self._empty.setdefault(path, table.schema)
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            schema = self._empty.pop(path, None)
            table = table if schema is None else _cast(table, schema)
            writer = self._parquet[path] = pq.ParquetWriter(path, table.schema, compression="zstd")
        writer.write_table(_cast(table, writer.schema))

    def _append_csv(self, table: pa.Table, edits: list[Edit], path: Path) -> None:
        """CSV pieces: a row with a planted value is written alone, that value as text."""
        handle = self._open(path, "wb")
        header = [path not in self.rows]

        def put(piece: pa.Table) -> None:
            options = pacsv.WriteOptions(include_header=header[0], quoting_style="needed")
            if piece.num_rows or header[0]:
                pacsv.write_csv(piece, handle, options)
            header[0] = False

        start = 0
        for row in sorted({e[0] for e in edits}):
            put(table.slice(start, row - start))
            put(_apply(table.slice(row, 1), [(0, c, v) for r, c, v in edits if r == row]))
            start = row + 1
        put(table.slice(start))


def _no_null_columns(table: pa.Table) -> pa.Table:
    """Columns Arrow typed as null (empty everywhere) become text, as in later chunks."""
    for i, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table


def _cast(table: pa.Table, schema: pa.Schema) -> pa.Table:
    return table if table.schema.equals(schema) else table.cast(schema)


def _apply(table: pa.Table, edits: list[Edit]) -> pa.Table:
    """The table with each edited value replaced (a text column becomes text where edited)."""
    by_column: dict[str, list[tuple[int, str | None]]] = {}
    for row, column, value in edits:
        by_column.setdefault(column, []).append((row, value))
    for column, changes in by_column.items():
        i = table.schema.get_field_index(column)
        values = table.column(i).combine_chunks()
        if any(v is not None for _, v in changes) and not pa.types.is_string(values.type):
            values = values.cast(pa.string())
        index = np.arange(len(values))
        index[[row for row, _ in changes]] = len(values) + np.arange(len(changes))
        new = pa.array([v for _, v in changes], type=values.type)
        table = table.set_column(i, column, pa.concat_arrays([values, new]).take(pa.array(index)))
    return table


def write(frame: Frame | pa.Table, path: Path, columns: list[str] | None = None) -> int:
    """Write a whole frame as CSV or Parquet at once (by the path's suffix); returns rows."""
    sink = Sink(path.parent)
    rows = sink.table(frame, path, columns)
    sink.close()
    return rows
