"""Column tables the generator passes around: dicts of numpy or Arrow arrays, one per column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Frame = dict[str, Any]  # column name -> np.ndarray (numbers, dates, bools) or pa.Array (text)
Text = pa.Array | pa.ChunkedArray
DAY = np.timedelta64(1, "D")


def nrows(frame: Frame) -> int:
    """Rows of a frame (the length of its first column)."""
    return len(next(iter(frame.values()))) if frame else 0


def take(frame: Frame, index: np.ndarray) -> Frame:
    """The rows at `index` (positions or a boolean mask)."""
    if index.dtype == bool:
        index = np.flatnonzero(index)
    return {
        k: (v.take(pa.array(index)) if isinstance(v, pa.Array | pa.ChunkedArray) else v[index])
        for k, v in frame.items()
    }


def concat(frames: Sequence[Frame]) -> Frame:
    """Frames with the same columns, stacked."""
    frames = [f for f in frames if nrows(f)]
    if not frames:
        return {}
    out: Frame = {}
    for key in frames[0]:
        parts = [f[key] for f in frames]
        if isinstance(parts[0], pa.Array | pa.ChunkedArray):
            out[key] = pa.chunked_array(
                [c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])],
                type=parts[0].type,
            ).combine_chunks()
        else:
            out[key] = np.concatenate(parts)
    return out


def arrow(values: Any) -> pa.Array:
    """An Arrow array of a column: NaT dates become nulls, datetimes become seconds."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    if isinstance(values, pa.Array):
        return values
    if values.dtype.kind == "M":
        missing = np.isnat(values)
        unit = np.datetime_data(values.dtype)[0]
        kind = pa.date32() if unit == "D" else pa.timestamp("s")
        clean = np.where(missing, values.dtype.type(0, unit), values)
        return pa.array(clean, type=kind, mask=missing if missing.any() else None)
    if values.dtype.kind == "U":  # "" means missing; compared in Arrow, much faster than numpy
        array = pa.array(values, type=pa.string())
        empty = pc.equal(array, "")
        return (
            pc.if_else(empty, pa.scalar(None, pa.string()), array)
            if pc.any(empty).as_py()
            else array
        )
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        return pa.array(np.round(values, 2), mask=missing if missing.any() else None)
    return pa.array(values)


def to_table(frame: Frame, columns: Sequence[str] | None = None) -> pa.Table:
    """An Arrow table of the frame's columns (all, or the named ones in that order)."""
    names = list(columns) if columns is not None else list(frame)
    return pa.table({name: arrow(frame[name]) for name in names})


def pick(vocabulary: Sequence[str] | pa.Array, index: np.ndarray) -> pa.Array:
    """Words of a vocabulary at the given positions, as an Arrow string array."""
    words = vocabulary if isinstance(vocabulary, pa.Array) else pa.array(list(vocabulary))
    return words.take(pa.array(np.asarray(index, dtype=np.int64)))


def text(values: Any) -> pa.Array:
    """Numbers, dates or Arrow values as Arrow text."""
    array = arrow(values)
    if pa.types.is_string(array.type):
        return array
    if pa.types.is_date32(array.type):
        return pc.strftime(array.cast(pa.timestamp("s")), format="%Y-%m-%d")
    if pa.types.is_timestamp(array.type):
        return pc.strftime(array, format="%Y-%m-%d %H:%M:%S")
    return pc.cast(array, pa.string())


def join(*parts: Any) -> pa.Array:
    """Element-wise concatenation of text columns and literal strings (null in, null out)."""
    items = [p if isinstance(p, str) else text(p) for p in parts]
    return pc.binary_join_element_wise(*items, "")


def padded(numbers: np.ndarray, width: int) -> pa.Array:
    """Integers as zero-padded text: padded([7], 4) -> "0007"."""
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=width, padding="0")


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Identifiers such as MRN0001234 from integers."""
    return join(prefix, padded(numbers, width))


def null_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """The values with nulls where mask is true."""
    return pc.if_else(pa.array(mask), pa.nulls(len(values), values.type), values)


def days(dates: Any) -> np.ndarray:
    """Dates as int64 day numbers since 1970-01-01."""
    return dates.astype("datetime64[D]").astype(np.int64)


def dates(day_numbers: Any) -> np.ndarray:
    """Int day numbers as datetime64[D]."""
    return np.asarray(day_numbers, dtype=np.int64).astype("datetime64[D]")
