"""HL7 v2.x ADT intake: files of many messages (optionally MLLP-framed) into `adt_event`, as text.

A file with no MSH at all (or empty) is refused whole (InvalidSubmission). A message that cannot
be parsed, has a broken segment, lacks PID, is not ADT or has a trigger event other than those
of contracts.vocab.ADT_EVENTS becomes a RowProblem (ref: MSH-10, else `message N`); the others
still load.

Speed: `hl7_fast` reads the regular messages column-wise; python-hl7 (`adt_row`) stays the
reference, and reads every message the fast path is not certain of, with the same result. A
large file is read in pieces of whole messages, so the engine checks one while the next is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import hl7
import numpy as np
import pyarrow as pa

from commontable.errors import InvalidSubmission
from commontable.warehouse.contracts.vocab import ADT_EVENTS
from commontable.warehouse.readers.base import ROW_REF, Batch, Reading, RowProblem, text_table
from commontable.warehouse.readers.hl7_fast import SEXES, fast_rows
from commontable.warehouse.readers.hl7_segments import split_segments

TABLE = "adt_event"
ADT_COLUMNS = (
    "message_control_id", "event_type", "event_datetime", "sending_facility", "person_id",
    "first_name", "last_name", "birth_date", "sex", "address", "city", "state", "zip_code",
    "phone", "social_security_number", "patient_class", "visit_number", "location",
    "attending_npi", "admit_source_code", "discharge_disposition_code", "admit_datetime",
    "discharge_datetime", "diagnosis_code", "facility_npi", ROW_REF,
)  # fmt: skip
ADT_SCHEMA = pa.schema([(name, pa.string()) for name in ADT_COLUMNS])
# MLLP's start block VT and end block FS end a segment too: frames sent back to back without a
# CR after FS are still two messages.
MLLP_FRAMING = str.maketrans("\x0b\x1c", "\r\r")
SEGMENT_BREAK = re.compile(r"\r\n|\r|\n")
SEGMENT_NAME = re.compile(r"[A-Z][A-Z0-9]{2}")
ENVELOPE = ("FHS", "BHS", "BTS", "FTS")  # batch and file header/trailer segments
SEGMENTS_READ = ("MSH", "EVN", "PID", "PV1", "DG1")
# A message starts at a segment named MSH: after a line break or an MLLP block character.
MESSAGE_START = re.compile(r"[\r\n\x0b\x1c]MSH")
PIECE_CHARS = 64 << 20  # of a file's text read at a time, cut at message starts
# HL7 DTM: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]; the offset is dropped (local time kept)
HL7_TIME = re.compile(
    r"(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})?(\d{2})?(?:\.\d{1,4})?)?(?:[+-]\d{4})?"
)


class MessageProblem(Exception):
    """A message that cannot become a row, with the reason the submitter reads."""


def read_hl7(paths: Sequence[Path], *, fast: bool = True) -> Reading:
    """Read ADT messages from every file into `adt_event` batches, every value as text.

    `fast=False` reads every message with python-hl7: the reference the fast path is tested on.
    """
    reading = Reading()
    for piece in read_hl7_files(paths, fast=fast):
        reading.extend(piece)
    return reading


def read_hl7_files(paths: Sequence[Path], *, fast: bool = True) -> Iterator[Reading]:
    """`read_hl7` a piece of a file at a time (whole messages, about PIECE_CHARS of text): one
    batch per piece, so the engine checks a piece while the next is read."""
    for path in paths:
        text = _decode(path.read_bytes())
        if not text or text.isspace():
            raise InvalidSubmission(path.name, "the file is empty: send the HL7 v2 ADT messages")
        before = 0
        for piece in _pieces(text):
            reading, count = _read_text(path.name, piece, before, fast)
            before += count
            yield reading
        _require_messages(path, before)


def _pieces(text: str) -> Iterator[str]:
    """The text cut at message starts (a line beginning MSH) into pieces of about PIECE_CHARS."""
    start = 0
    while len(text) - start > PIECE_CHARS:
        found = MESSAGE_START.search(text, start + PIECE_CHARS)
        if found is None:
            break
        yield text[start : found.start() + 1]
        start = found.start() + 1
    yield text[start:]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:  # HL7 v2 default character set is ASCII / ISO 8859-1
        return data.decode("latin-1")


def split_messages(text: str) -> list[list[str]]:
    """Segments grouped into messages: each MSH starts one; batch envelopes are dropped."""
    messages: list[list[str]] = []
    current: list[str] | None = None
    for segment in SEGMENT_BREAK.split(text.translate(MLLP_FRAMING)):
        segment = segment.strip()
        if not segment or segment.startswith(ENVELOPE):
            continue
        if segment.startswith("MSH"):
            current = [segment]
            messages.append(current)
        elif current is not None:
            current.append(segment)
    return messages


def _read_text(file_name: str, text: str, before: int, fast: bool) -> tuple[Reading, int]:
    """A piece of a file (`before` messages came earlier): the fast path's rows for the messages
    it is certain of, python-hl7 for the rest; and how many messages the piece holds."""
    if fast:
        segments = split_segments(text)
        if not segments.count:
            return Reading(), 0
        found, table = fast_rows(segments, before)
        rest = np.setdiff1d(np.arange(segments.count), found, assume_unique=True)
        numbers, rows, problems = _python_hl7_rows(file_name, rest, segments.of_message, before)
        parts = [(found, table.select(ADT_COLUMNS).cast(ADT_SCHEMA)), (numbers, text_table(rows))]
        count = segments.count
    else:
        messages = split_messages(text)
        every = np.arange(len(messages))
        numbers, rows, problems = _python_hl7_rows(file_name, every, messages.__getitem__, before)
        parts = [(numbers, text_table(rows))]
        count = len(messages)
    batch = Batch(TABLE, file_name, _in_file_order(parts))
    return Reading(batches=[batch], problems=problems), count


def _require_messages(path: Path, count: int) -> None:
    if not count:
        raise InvalidSubmission(
            path.name,
            "has no MSH segment: HL7 v2 messages start with MSH|^~\\&|; "
            "send the ADT feed as HL7 v2 text",
        )


def _python_hl7_rows(
    file_name: str, numbers: np.ndarray, message: Callable[[int], list[str]], before: int = 0
) -> tuple[np.ndarray, dict[str, list[str | None]], list[RowProblem]]:
    """Rows and problems of the given messages (0-based numbers, `before` messages earlier in
    the file), each parsed by python-hl7."""
    columns: dict[str, list[str | None]] = {name: [] for name in ADT_COLUMNS}
    problems: list[RowProblem] = []
    read: list[int] = []
    for number in numbers.tolist():
        segments = message(number)
        ref = _control_id(segments[0]) or f"message {before + number + 1}"
        try:
            row = adt_row(segments)
        except MessageProblem as problem:
            problems.append(RowProblem(file_name, ref, str(problem), TABLE))
            continue
        row[ROW_REF] = ref
        read.append(number)
        for name, values in columns.items():
            values.append(row.get(name))
    return np.array(read, dtype=np.int64), columns, problems


def _in_file_order(parts: list[tuple[np.ndarray, pa.Table]]) -> pa.Table:
    """The rows of both paths as one table, in the order of their messages in the file."""
    tables = [table for _, table in parts]
    if len(parts) == 1 or tables[-1].num_rows == 0:
        return tables[0]
    order = np.argsort(np.concatenate([numbers for numbers, _ in parts]), kind="stable")
    return pa.concat_tables(tables).take(pa.array(order))


def _control_id(msh: str) -> str | None:
    """MSH-10 read straight from the segment text, so even an unparseable message has its id."""
    fields = msh.split(msh[3]) if len(msh) > 3 else []
    if len(fields) <= 9:
        return None
    return fields[9].strip() or None


def _check_segments(segments: list[str]) -> None:
    separator = segments[0][3:4]
    if not separator or len(segments[0]) < 8:
        raise MessageProblem(
            f"broken segment {_show(segments[0])}: MSH lacks its encoding characters"
        )
    for segment in segments:
        name_ok = SEGMENT_NAME.fullmatch(segment[:3]) is not None
        if not name_ok or (len(segment) > 3 and segment[3] != separator):
            raise MessageProblem(
                f"broken segment {_show(segment)}: a segment starts with a three-character name "
                f"such as PV1, then '{separator}'; was a segment split across lines?"
            )


def _show(segment: str) -> str:
    return repr(segment if len(segment) <= 30 else segment[:30] + "...")


def _parse(segments: list[str]) -> hl7.Message:
    """The message with only the segments read (NK1, OBX, IN1... are checked, not parsed)."""
    _check_segments(segments)
    try:
        return hl7.parse("\r".join(s for s in segments if s.startswith(SEGMENTS_READ)))
    except Exception as error:  # python-hl7 raises ParseException, IndexError, ValueError...
        raise MessageProblem(f"cannot be parsed as HL7 v2: {error}") from error


def field(message: hl7.Message, segment: str, number: int, component: int = 1) -> str | None:
    """SEG-number.component of the first segment and repetition (unescaped), or None when empty."""
    try:
        value = message.extract_field(segment, 1, number, 1, component)
    except (KeyError, IndexError):
        return None
    return str(value).strip() or None


def hl7_time(value: str | None) -> str | None:
    """HL7 DTM as `YYYY-MM-DD HH:MM:SS` (a date alone as `YYYY-MM-DD`); else kept for validation."""
    if not value:
        return None
    match = HL7_TIME.fullmatch(value)
    if not match:
        return value
    year, month, day_, hour, minute, second = match.groups()
    if hour is None:
        return f"{year}-{month}-{day_}"
    return f"{year}-{month}-{day_} {hour}:{minute or '00'}:{second or '00'}"


def hl7_date(value: str | None) -> str | None:
    stamp = hl7_time(value)
    return stamp[:10] if stamp and HL7_TIME.fullmatch(value or "") else stamp


def _phone(message: hl7.Message) -> str | None:
    """PID-13: XTN.1 as sent (v2.3), else area code XTN.6 + local number XTN.7 (v2.5)."""
    text = field(message, "PID", 13) or (
        (field(message, "PID", 13, 6) or "") + (field(message, "PID", 13, 7) or "")
    )
    only = "".join(ch for ch in text if ch.isdigit())
    if len(only) == 11 and only[0] == "1":
        only = only[1:]
    return only or None


def adt_message(text: str) -> dict[str, str | None] | None:
    """One message's `adt_event` row, as a load reads it; None when a load would quarantine it."""
    messages = split_messages(text)
    if len(messages) != 1:
        return None
    try:
        return adt_row(messages[0])
    except MessageProblem:
        return None


def adt_row(segments: list[str]) -> dict[str, str | None]:
    """One `adt_event` row from one message's segments; MessageProblem says why not."""
    message = _parse(segments)
    kind, trigger = field(message, "MSH", 9, 1), field(message, "MSH", 9, 2)
    trigger = trigger or field(message, "EVN", 1)
    if kind != "ADT":
        raise MessageProblem(f"message type {kind} is not read; only ADT messages are")
    if trigger not in ADT_EVENTS:
        raise MessageProblem(f"trigger event {trigger} is not read")
    if not any(s.startswith("PID") for s in segments):
        raise MessageProblem("has no PID segment, so the patient is unknown")
    sex = field(message, "PID", 8)
    npi_facility = field(message, "MSH", 4, 3) == "NPI"
    return {
        "message_control_id": field(message, "MSH", 10),
        "event_type": trigger,
        "event_datetime": hl7_time(field(message, "EVN", 2) or field(message, "MSH", 7)),
        "sending_facility": field(message, "MSH", 4) or field(message, "MSH", 4, 2),
        "person_id": field(message, "PID", 3) or field(message, "PID", 2),
        "first_name": field(message, "PID", 5, 2),
        "last_name": field(message, "PID", 5),
        "birth_date": hl7_date(field(message, "PID", 7)),
        "sex": SEXES.get(sex.upper(), sex.lower()) if sex else None,
        "address": field(message, "PID", 11),
        "city": field(message, "PID", 11, 3),
        "state": field(message, "PID", 11, 4),
        "zip_code": field(message, "PID", 11, 5),
        "phone": _phone(message),
        "social_security_number": field(message, "PID", 19),
        "patient_class": field(message, "PV1", 2),
        "visit_number": field(message, "PV1", 19),
        "location": field(message, "PV1", 3),
        "attending_npi": field(message, "PV1", 7),
        "admit_source_code": field(message, "PV1", 14),
        "discharge_disposition_code": field(message, "PV1", 36),
        "admit_datetime": hl7_time(field(message, "PV1", 44)),
        "discharge_datetime": hl7_time(field(message, "PV1", 45)),
        "diagnosis_code": field(message, "DG1", 3),
        "facility_npi": field(message, "MSH", 4, 2) if npi_facility else None,
    }
