"""HL7 v2.5.1 ADT messages built in bulk by joining text columns (one message per event)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from commontable.synth.frame import text

SEX = {"female": "F", "male": "M", "other": "O", "unknown": "U"}


def _compact(stamp: pa.Array) -> pa.Array:
    return pc.strftime(stamp, format="%Y%m%d%H%M%S")


def _fields(*parts: object) -> pa.Array:
    """Fields joined by '|', a missing value leaving its field empty."""
    items = [p if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*items, "|", null_handling="replace", null_replacement="")


def messages(feed: pa.Table, facility: str, facility_npi: str) -> pa.Array:
    """One message per adt_event row: MSH, EVN, PID, PV1, DG1; segments end with carriage return."""
    n = feed.num_rows
    col = feed.column
    stamp = _compact(col("event_datetime"))
    event = col("event_type")
    structure = pc.replace_substring_regex(event, "A0[48]", "A01")
    kind = pc.binary_join_element_wise(
        "ADT", event, pc.binary_join_element_wise("ADT", structure, "_"), "^"
    )
    msh = _fields(
        "MSH",
        "^~\\&",
        "ADT",
        f"{facility}^{facility_npi}^NPI",
        "COMMONTABLE",
        "FLCT",
        stamp,
        "",
        kind,
        col("message_control_id"),
        "P",
        "2.5.1",
    )
    evn = _fields("EVN", event, stamp)
    sex = pc.replace_substring_regex(col("sex"), "^female$", "F")
    sex = pc.replace_substring_regex(sex, "^male$", "M")
    name = pc.binary_join_element_wise(col("last_name"), col("first_name"), "^")
    address = pc.binary_join_element_wise(
        col("address"),
        "",
        col("city"),
        col("state"),
        col("zip_code"),
        "^",
        null_handling="replace",
        null_replacement="",
    )
    mrn = pc.binary_join_element_wise(
        col("person_id"), "", "", f"{facility}&{facility_npi}&NPI", "MR", "^"
    )
    birth = pc.strftime(col("birth_date").cast(pa.timestamp("s")), format="%Y%m%d")
    pid = _fields(
        "PID",
        "1",
        "",
        mrn,
        "",
        name,
        "",
        birth,
        sex,
        "",
        "",
        address,
        "",
        col("phone"),
        "",
        "",
        "",
        "",
        "",
        col("social_security_number"),
    )
    attending = pc.binary_join_element_wise(
        col("attending_npi"), "", "", "", "", "", "", "", "NPI", "^"
    )
    empty = [""] * 8
    pv1 = _fields(
        "PV1",
        "1",
        col("patient_class"),
        col("location"),
        "",
        "",
        "",
        attending,
        "",
        "",
        "MED",
        "",
        "",
        "",
        col("admit_source_code"),
        "",
        "",
        "",
        "",
        col("visit_number"),
        *empty,
        *empty,
        col("discharge_disposition_code"),
        *empty[:7],
        _compact(col("admit_datetime")),
        _compact(col("discharge_datetime")),
    )
    dg1 = _fields(
        "DG1",
        "1",
        "",
        pc.binary_join_element_wise(col("diagnosis_code"), "", "I10", "^"),
        "",
        "",
        "A",
    )
    return pc.binary_join_element_wise(msh, evn, pid, pv1, dg1, pa.array([""] * n), "\r")


__all__ = ["SEX", "messages", "text"]
