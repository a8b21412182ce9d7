"""Vectorised fast path of the HL7 v2 ADT reader: `adt_event` columns for the regular messages.

It reads fields with Arrow string kernels, only for messages where the result is certain to equal
python-hl7's: standard encoding characters, no escape sequence in a segment read, well-formed
segments, an ADT message with a known trigger and a PID, ASCII where Python and Arrow would
differ (dates, sex, phone). `hl7v2` reads every other message with python-hl7.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from commontable.warehouse.contracts.vocab import ADT_EVENTS
from commontable.warehouse.readers.base import ROW_REF
from commontable.warehouse.readers.hl7_cut import SegmentCutter
from commontable.warehouse.readers.hl7_dates import hl7_dates
from commontable.warehouse.readers.hl7_segments import Segments

# HL7 table 0001 administrative sex -> the contract's sex
SEXES = {"M": "male", "F": "female", "O": "other", "A": "other", "U": "unknown", "N": "unknown"}
CHUNK = 100_000  # messages read at once
STANDARD_MSH = "MSH|^~\\&|"  # field separator and encoding characters the fast path knows
Columns = dict[str, pa.Array]


class _Values:
    """`hl7v2.field` for every message at once: SEG-n.c stripped, null when empty or absent."""

    def __init__(self, **segments: pa.Array) -> None:
        self.cutters = {name: SegmentCutter(column) for name, column in segments.items()}

    def __call__(self, segment: str, number: int, component: int = 1) -> pa.Array:
        index = number - 1 if segment == "MSH" else number  # MSH-1 is the separator itself
        return self.cutters[segment].value(index, component)

    def escaped(self) -> np.ndarray:
        """Messages with an escape character in a segment read (past MSH-2, in MSH)."""
        skips = {"MSH": len(STANDARD_MSH)}
        counts = [c.count("\\", skips.get(name, 0)) for name, c in self.cutters.items()]
        return np.logical_or.reduce([count > 0 for count in counts])


def _flags(array: pa.Array, null: bool) -> np.ndarray:
    return np.asarray(pc.fill_null(array, null).to_numpy(zero_copy_only=False), dtype=bool)


def _ascii(*values: pa.Array) -> np.ndarray:
    """Where every value is ASCII (or empty): there `str` and Arrow case, digits and \\d agree."""
    return np.logical_and.reduce([_flags(pc.string_is_ascii(v), True) for v in values])


def _sex(code: pa.Array) -> pa.Array:
    mapped = pa.array(list(SEXES.values())).take(pc.index_in(pc.ascii_upper(code), pa.array(SEXES)))
    return pc.coalesce(mapped.cast(code.type), pc.ascii_lower(code))


def _phone(first: pa.Array, area: pa.Array, local: pa.Array) -> pa.Array:
    """`hl7v2._phone`: XTN.1, else XTN.6 + XTN.7, reduced to digits, a leading 1 of 11 dropped."""
    empty = pa.scalar("", first.type)
    parts = pc.binary_join_element_wise(pc.coalesce(area, empty), pc.coalesce(local, empty), empty)
    digits = pc.replace_substring_regex(pc.coalesce(first, parts), "[^0-9]", "")
    national = pc.and_(pc.equal(pc.utf8_length(digits), 11), pc.starts_with(digits, "1"))
    digits = pc.if_else(national, pc.utf8_slice_codeunits(digits, 1), digits)
    return pc.if_else(pc.equal(digits, ""), pa.scalar(None, digits.type), digits)


def fast_rows(segments: Segments, before: int = 0) -> tuple[np.ndarray, pa.Table]:
    """The (0-based) messages the fast path is certain of, and their rows with `ROW_REF`
    (`message N` where MSH-10 is empty, counting `before` messages earlier in the file).

    Reads CHUNK messages at a time, which bounds the memory of the intermediate arrays.
    """
    numbers, tables = [], []
    for first in range(0, segments.count, CHUNK):
        chunk = segments.messages(first, min(first + CHUNK, segments.count))
        certain, columns = fast_columns(chunk)
        keep = pa.array(certain)
        found = np.flatnonzero(certain) + first
        rows = {name: values.filter(keep) for name, values in columns.items()}
        unnamed = rows[ROW_REF].is_null()
        unnamed_found = found[unnamed.to_numpy(False)].tolist()
        names = [f"message {before + n + 1}" for n in unnamed_found]
        rows[ROW_REF] = pc.replace_with_mask(rows[ROW_REF], unnamed, pa.array(names, pa.string()))
        numbers.append(found)
        tables.append(pa.table(rows))
    return np.concatenate(numbers), pa.concat_tables(tables)


def fast_columns(segments: Segments) -> tuple[np.ndarray, Columns]:
    """`adt_event` columns (and `ROW_REF`) of every message, and where they are certain."""
    msh = segments.heads()
    evn, pid, pv1, dg1 = (segments.first(name) for name in ("EVN", "PID", "PV1", "DG1"))
    field = _Values(MSH=msh, EVN=evn, PID=pid, PV1=pv1, DG1=dg1)
    malformed = ~segments.well_formed()
    kind = field("MSH", 9)
    trigger = pc.coalesce(field("MSH", 9, 2), field("EVN", 1))
    sex, stamp = field("PID", 8), pc.coalesce(field("EVN", 2), field("MSH", 7))
    birth, admit, discharge = field("PID", 7), field("PV1", 44), field("PV1", 45)
    phone = (field("PID", 13), field("PID", 13, 6), field("PID", 13, 7))
    certain = (
        _flags(pc.starts_with(msh, STANDARD_MSH), False)
        & (np.bincount(segments.message[malformed], minlength=segments.count) == 0)
        & ~field.escaped()
        & _flags(pc.equal(kind, "ADT"), False)
        & _flags(pc.is_in(trigger, pa.array(ADT_EVENTS)), False)
        & _flags(pid.is_valid(), False)
        & _ascii(stamp, birth, admit, discharge, sex, *phone)
    )
    npi_facility = _flags(pc.equal(field("MSH", 4, 3), "NPI"), False)
    columns = {
        "message_control_id": field("MSH", 10),
        "event_type": trigger,
        "event_datetime": hl7_dates(stamp)[0],
        "sending_facility": pc.coalesce(field("MSH", 4), field("MSH", 4, 2)),
        "person_id": pc.coalesce(field("PID", 3), field("PID", 2)),
        "first_name": field("PID", 5, 2),
        "last_name": field("PID", 5),
        "birth_date": hl7_dates(birth)[1],
        "sex": _sex(sex),
        "address": field("PID", 11),
        "city": field("PID", 11, 3),
        "state": field("PID", 11, 4),
        "zip_code": field("PID", 11, 5),
        "phone": _phone(*phone),
        "social_security_number": field("PID", 19),
        "patient_class": field("PV1", 2),
        "visit_number": field("PV1", 19),
        "location": field("PV1", 3),
        "attending_npi": field("PV1", 7),
        "admit_source_code": field("PV1", 14),
        "discharge_disposition_code": field("PV1", 36),
        "admit_datetime": hl7_dates(admit)[0],
        "discharge_datetime": hl7_dates(discharge)[0],
        "diagnosis_code": field("DG1", 3),
        "facility_npi": pc.if_else(pa.array(npi_facility), field("MSH", 4, 2), None),
        # MSH-10 whole, as `hl7v2._control_id` reads it; null for a message referred to by number
        ROW_REF: field.cutters["MSH"].clean(field.cutters["MSH"].field(9)),
    }
    return certain, columns
