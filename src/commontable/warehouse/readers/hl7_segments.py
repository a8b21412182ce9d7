"""A file's HL7 v2 segments as one Arrow array, grouped into messages without a Python loop.

Gives exactly the grouping of `hl7v2.split_messages` (MLLP block characters end a segment,
segments stripped as `str.strip` does, empty and batch envelope segments dropped, each MSH
starting a message).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from commontable.warehouse.readers.hl7_cut import UNICODE_WHITESPACE, byte_view, text_array

ENVELOPE = ("FHS", "BHS", "BTS", "FTS")  # batch and file header/trailer segments
CR, LF = ord("\r"), ord("\n")


def name_code(name: str) -> int:
    """A three-letter segment name as one number (see `_names`)."""
    return int.from_bytes(name.encode("latin-1"), "big")


def _names(array: pa.Array) -> np.ndarray:
    """The first three bytes of each string as one number; -1 for strings shorter than three."""
    offsets, data = byte_view(array)
    starts = offsets[:-1]
    if not len(data):
        return np.full(len(starts), -1, dtype=np.int64)
    last = len(data) - 1
    codes = np.zeros(len(starts), dtype=np.int64)
    for shift, at in ((16, starts), (8, starts + 1), (0, starts + 2)):
        codes |= data[np.minimum(at, last)].astype(np.int64) << shift
    return np.where(np.diff(offsets) >= 3, codes, -1)


@dataclass(frozen=True)
class Segments:
    """Kept segments in file order, the message each belongs to, and where each message starts."""

    text: pa.Array  # large_string, stripped
    names: np.ndarray  # `name_code` of each segment's first three characters
    message: np.ndarray  # 0-based message number of each segment
    starts: np.ndarray  # index in `text` of each message's MSH, then len(text)

    @property
    def count(self) -> int:
        return len(self.starts) - 1

    def messages(self, first: int, end: int) -> Segments:
        """The segments of messages first..end-1 only, numbered from 0."""
        start, stop = int(self.starts[first]), int(self.starts[end])
        return Segments(
            self.text.slice(start, stop - start),
            self.names[start:stop],
            self.message[start:stop] - first,
            self.starts[first : end + 1] - start,
        )

    def heads(self) -> pa.Array:
        """Each message's MSH segment."""
        return self.text.take(pa.array(self.starts[:-1]))

    def of_message(self, number: int) -> list[str]:
        """The segments of one message (0-based), as `split_messages` would give them."""
        start, end = int(self.starts[number]), int(self.starts[number + 1])
        return [str(s) for s in self.text.slice(start, end - start).to_pylist()]

    def well_formed(self) -> np.ndarray:
        """Segments named like `[A-Z][A-Z0-9]{2}`, then '|' or nothing (`hl7v2._check_segments`)."""
        offsets, data = byte_view(self.text)
        starts, length, last = offsets[:-1], np.diff(offsets), max(len(data) - 1, 0)
        # only each segment's first four bytes are looked at, not the whole text
        head = (
            [data[np.minimum(starts + at, last)] for at in range(4)] if len(data) else [starts] * 4
        )
        upper = [(ord("A") <= byte) & (byte <= ord("Z")) for byte in head[:3]]
        alnum = [
            u | ((ord("0") <= b) & (b <= ord("9"))) for u, b in zip(upper, head[:3], strict=True)
        ]
        bar = head[3] == ord("|")
        return (length >= 3) & upper[0] & alnum[1] & alnum[2] & ((length == 3) | bar)

    def first(self, name: str) -> pa.Array:
        """Each message's first segment whose text starts with `name` (null where none)."""
        hits = np.flatnonzero(self.names == name_code(name))
        owners = self.message[hits]
        first = np.ones(len(hits), dtype=bool)
        first[1:] = owners[1:] != owners[:-1]
        index = np.full(self.count, -1, dtype=np.int64)
        index[owners[first]] = hits[first]
        return self.text.take(pa.array(index, mask=index < 0))


def split_segments(text: str) -> Segments:
    """Cut the decoded file after every CR, LF and MLLP block character; strip; drop empty and
    envelope segments."""
    body = text.replace("\x0b", "\r").replace("\x1c", "\r").encode("utf-8")
    codes = np.frombuffer(body, dtype=np.uint8)
    cuts = np.flatnonzero((codes == CR) | (codes == LF)) + 1
    offsets = np.concatenate(([0], cuts, [len(body)])).astype(np.int64)
    segments = pc.utf8_trim(text_array(offsets, codes), UNICODE_WHITESPACE)
    names = _names(segments)
    envelope = np.isin(names, [name_code(name) for name in ENVELOPE])
    is_msh = names == name_code("MSH")
    message = np.cumsum(is_msh) - 1
    # empty segments, envelopes and segments before the first MSH belong to no message
    kept = (np.diff(byte_view(segments)[0]) > 0) & ~envelope & (message >= 0)
    segments = segments.filter(pa.array(kept))
    starts = np.flatnonzero(is_msh[kept])
    return Segments(segments, names[kept], message[kept], np.append(starts, len(segments)))
