"""HL7 DTM values to ISO text for a whole column at once, as `hl7v2.hl7_time` / `hl7_date` do."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from commontable.warehouse.readers.hl7_cut import byte_view, text_array

# `hl7v2.HL7_TIME` with ASCII digits: YYYYMMDD[HH[MM[SS]][.S{1,4}]][+/-ZZZZ]
HL7_TIME = r"^[0-9]{8}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{2})?)?(?:\.[0-9]{1,4})?)?(?:[+-][0-9]{4})?$"
# `YYYY-MM-DD HH:MM:SS` as the source byte of each character, or the character itself
SOURCE = np.array([0, 1, 2, 3, -1, 4, 5, -1, 6, 7, -1, 8, 9, -1, 10, 11, -1, 12, 13])
LITERAL = np.frombuffer(b"0000-00-00 00:00:00", dtype=np.uint8)
ZERO = ord("0")


def _digit_at(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, at: int) -> np.ndarray:
    byte = data[np.minimum(starts + at, len(data) - 1)]
    return (lengths > at) & (byte >= ZERO) & (byte <= ord("9"))


def hl7_dates(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(`hl7_time`, `hl7_date`) of each value: a DTM as ISO text, any other value kept."""
    matched = pc.fill_null(pc.match_substring_regex(values, HL7_TIME), False)
    rows = np.flatnonzero(matched.to_numpy(zero_copy_only=False))
    if not len(rows):
        return values, values
    offsets, data = byte_view(values)
    starts = offsets[:-1][rows]
    lengths = offsets[1:][rows] - starts
    source = np.minimum(starts[:, None] + np.maximum(SOURCE, 0)[None, :], len(data) - 1)
    text = np.where(SOURCE < 0, LITERAL, data[source]).astype(np.uint8)
    text[~_digit_at(data, starts, lengths, 10), 14:16] = ZERO  # no minutes: 00
    text[~_digit_at(data, starts, lengths, 12), 17:19] = ZERO  # no seconds: 00
    width = np.where(_digit_at(data, starts, lengths, 8), len(SOURCE), 10)  # a date alone
    time = text_array(np.append(0, np.cumsum(width)), text[np.arange(len(SOURCE)) < width[:, None]])
    date = text_array(np.arange(len(rows) + 1) * 10, np.ascontiguousarray(text[:, :10]))
    return (
        pc.replace_with_mask(values, matched, time.cast(values.type)),
        pc.replace_with_mask(values, matched, date.cast(values.type)),
    )
