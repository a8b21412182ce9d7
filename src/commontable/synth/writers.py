"""Write tables the way members send them: CSV (ISO dates, true/false) or Parquet, via pyarrow."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from commontable.synth.frame import Frame, to_table


def write(frame: Frame | pa.Table, path: Path, columns: list[str] | None = None) -> int:
    """Write a frame as CSV or Parquet (by the path's suffix); returns rows written."""
    table = frame if isinstance(frame, pa.Table) else to_table(frame, columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    return table.num_rows
