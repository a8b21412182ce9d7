"""Cut HL7 v2 values out of a column of segments with numpy, from the separators' byte positions.

For segments with the standard separators `|^~&`: all are ASCII, so cutting the UTF-8 bytes at
them keeps every character whole. Values are cut as python-hl7's `extract_field` reads them:
field, first repetition, component, first subcomponent.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Span = tuple[np.ndarray, np.ndarray]  # start and end byte of one value per segment
# Every character `str.strip()` removes: a lookup table of the ASCII ones, and all of them
UNICODE_WHITESPACE = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())
ASCII_SPACE = np.array([chr(code).isspace() for code in range(256)]) & (np.arange(256) < 0x80)


def byte_view(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (one more than the strings, as int64) and UTF-8 bytes of a string array."""
    wide = pa.types.is_large_string(array.type)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[array.offset : array.offset + len(array) + 1].astype(np.int64, copy=False)
    data = array.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data else np.zeros(0, np.uint8)


def text_array(offsets: np.ndarray, data: np.ndarray, empty_is_null: bool = False) -> pa.Array:
    """A large_string array over the given offsets and bytes (empty strings as null if asked)."""
    validity = None
    if empty_is_null:
        present = np.diff(offsets) > 0
        validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, buffers[1], buffers[2], buffers[0])


class SegmentCutter:
    """One segment per message (null where absent), ready to have fields and components cut."""

    def __init__(self, segments: pa.Array) -> None:
        offsets, self.data = byte_view(pc.fill_null(segments, "").cast(pa.large_string()))
        self.starts, self.ends = offsets[:-1], offsets[1:]
        self._marks: dict[str, np.ndarray] = {}
        self._repetitions: dict[int, Span] = {}
        bars = self._positions("|")
        self._first_bar = np.searchsorted(bars, self.starts)
        self._bars_in = np.searchsorted(bars, self.ends) - self._first_bar

    def _positions(self, separator: str) -> np.ndarray:
        """Byte positions of a separator, then a sentinel past the end (so lookups never fail)."""
        if separator not in self._marks:
            found = np.flatnonzero(self.data == ord(separator))
            self._marks[separator] = np.append(found, len(self.data) + 1)
        return self._marks[separator]

    def _next(self, separator: str, start: np.ndarray, skip: int = 0) -> np.ndarray:
        """Position of the (skip+1)-th separator at or after `start` (the sentinel if none)."""
        marks = self._positions(separator)
        at = np.minimum(np.searchsorted(marks, start) + skip, len(marks) - 1)
        return marks[at]

    def field(self, index: int) -> Span:
        """Field `index` of the segment split on '|' (0 is the name), empty where absent."""
        bars = self._positions("|")
        last = len(bars) - 1
        if index == 0:
            start = self.starts
        else:
            start = bars[np.minimum(self._first_bar + index - 1, last)] + 1
        end = np.where(
            self._bars_in > index, bars[np.minimum(self._first_bar + index, last)], self.ends
        )
        present = self._bars_in >= index
        return np.where(present, start, self.ends), np.where(present, end, self.ends)

    def repetition(self, index: int) -> Span:
        """The first repetition of field `index` (kept for the other components of the field)."""
        if index not in self._repetitions:
            start, end = self.field(index)
            self._repetitions[index] = start, np.minimum(end, self._next("~", start))
        return self._repetitions[index]

    def component(self, span: Span, number: int) -> Span:
        """Component `number`, first subcomponent, of a repetition; empty if absent."""
        start, end = span
        if number > 1:
            start = self._next("^", start, number - 2) + 1
            present = start <= end
            start = np.where(present, start, end)
        end = np.minimum(end, self._next("^", start))
        end = np.minimum(end, self._next("&", start))
        return start, np.maximum(end, start)

    def text(self, span: Span) -> pa.Array:
        """The spans as a string array."""
        start, end = span
        lengths = end - start
        offsets = np.zeros(len(start) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        gather = np.arange(offsets[-1], dtype=np.int64) + np.repeat(start - offsets[:-1], lengths)
        return text_array(offsets, self.data[gather])

    def count(self, separator: str, skip: int = 0) -> np.ndarray:
        """How many times a character occurs in each segment, its first `skip` bytes aside."""
        marks = self._positions(separator)
        start = np.minimum(self.starts + skip, self.ends)
        return np.searchsorted(marks, self.ends) - np.searchsorted(marks, start)

    def value(self, index: int, component: int = 1) -> pa.Array:
        """SEG-index.component as python-hl7 reads it, stripped as `str.strip`, empty as null."""
        return self.clean(self.component(self.repetition(index), component))

    def clean(self, span: Span) -> pa.Array:
        """The spans' text stripped as `str.strip` does, empty as null (`pa.string`)."""
        start, end = self._strip_ascii(span)
        if not len(self.data):
            return _nulled(self.text((start, end)))
        last = len(self.data) - 1
        filled = end > start
        wide = (self.data[np.minimum(start, last)] >= 0x80) | (self.data[end - 1] >= 0x80)
        if not (filled & wide).any():
            return _nulled(self.text((start, end)))
        # a non-ASCII character at an edge may be Unicode whitespace: let Arrow strip it
        return _nulled(pc.utf8_trim(self.text((start, end)), UNICODE_WHITESPACE))

    def _strip_ascii(self, span: Span) -> Span:
        """Move both ends of each span past the ASCII characters `str.strip` removes."""
        start, end = span
        if not len(self.data):
            return span
        last = len(self.data) - 1
        while (lead := (start < end) & ASCII_SPACE[self.data[np.minimum(start, last)]]).any():
            start = start + lead
        while (tail := (start < end) & ASCII_SPACE[self.data[np.maximum(end - 1, 0)]]).any():
            end = end - tail
        return start, end


def _nulled(values: pa.Array) -> pa.Array:
    """Empty strings as null, as `pa.string`."""
    offsets, data = byte_view(values)
    return text_array(offsets, data, empty_is_null=True).cast(pa.string())
