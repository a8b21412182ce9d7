"""HL7 v2 ADT intake: messages to `adt_event` rows, problems per message, refusals per file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commontable.errors import InvalidSubmission
from commontable.warehouse.contracts import CONTRACTS
from commontable.warehouse.readers.base import ROW_REF, Reading
from commontable.warehouse.readers.hl7v2 import hl7_time, read_hl7

FEED = Path(__file__).parent.parent / "data" / "hl7" / "adt_feed.hl7"
MSH = "MSH|^~\\&|EPIC|SGH^1245319599^NPI|HIE|REGION|20240105083000||ADT^{event}|{control}|P|2.5.1"
PID = "PID|1||MRN9^^^SGH^MR||Doe^Jane||19800115|F"
PV1 = "PV1|1|E|ED^^^SGH"


def message(event: str = "A04", control: str = "C1", *segments: str) -> str:
    return "\r".join([MSH.format(event=event, control=control), *(segments or (PID, PV1))]) + "\r"


def write(tmp_path: Path, text: str | bytes, name: str = "feed.hl7") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def events(reading: Reading) -> dict[str, dict[str, Any]]:
    return {r[ROW_REF]: r for b in reading.batches for r in b.rows.to_pylist()}


@pytest.fixture(scope="module")
def feed() -> Reading:
    return read_hl7([FEED])


def test_every_emitted_column_is_in_the_adt_event_contract(feed: Reading) -> None:
    (batch,) = feed.batches
    allowed = {c.name for c in CONTRACTS["adt_event"].submitted_columns} | {ROW_REF}
    assert batch.table == "adt_event"
    assert set(batch.rows.column_names) <= allowed
    assert set(CONTRACTS["adt_event"].required_columns) <= set(batch.rows.column_names)


def test_adt_a01_gives_admission_with_patient_and_visit(feed: Reading) -> None:
    admit = events(feed)["MSG0001"]
    assert (admit["event_type"], admit["event_datetime"]) == ("A01", "2024-01-05 08:25:00")
    assert (admit["person_id"], admit["first_name"], admit["last_name"]) == (
        "MRN123",
        "Pat",
        "O&Brien",
    )
    assert (admit["birth_date"], admit["sex"]) == ("1980-01-15", "female")
    assert (admit["patient_class"], admit["location"], admit["visit_number"]) == (
        "I",
        "ICU",
        "V1001",
    )
    assert (admit["attending_npi"], admit["admit_datetime"]) == (
        "1234567893",
        "2024-01-05 08:15:00",
    )
    assert admit["diagnosis_code"] == "I50.9"


def test_patient_address_phone_and_ssn_come_from_pid(feed: Reading) -> None:
    admit = events(feed)["MSG0001"]
    assert (admit["address"], admit["city"], admit["state"], admit["zip_code"]) == (
        "12 Elm St",
        "Springfield",
        "IL",
        "62701",
    )
    assert (admit["phone"], admit["social_security_number"]) == ("2175550100", "123-45-6789")


def test_sending_facility_and_its_npi_come_from_msh4(feed: Reading) -> None:
    admit = events(feed)["MSG0001"]
    assert (admit["sending_facility"], admit["facility_npi"]) == (
        "SPRINGFIELD GENERAL",
        "1245319599",
    )


def test_adt_a03_gives_discharge_datetime_and_disposition(feed: Reading) -> None:
    discharge = events(feed)["MSG0002"]
    assert discharge["event_type"] == "A03"
    assert discharge["discharge_datetime"] == "2024-01-09 11:30:00"
    assert discharge["discharge_disposition_code"] == "03"


def test_v23_phone_in_the_first_component_is_reduced_to_digits(feed: Reading) -> None:
    assert events(feed)["MSG0002"]["phone"] == "2175550100"


def test_event_time_falls_back_on_msh7_without_evn(feed: Reading) -> None:
    assert events(feed)["MSG0003"]["event_datetime"] == "2024-02-01 10:15:00"


def test_value_that_is_not_an_hl7_date_is_kept_for_validation(feed: Reading) -> None:
    assert events(feed)["MSG0003"]["birth_date"] == "1975-02-30"


@pytest.mark.parametrize(
    ("code", "sex"),
    [("M", "male"), ("F", "female"), ("O", "other"), ("A", "other"), ("U", "unknown")],
)
def test_pid8_maps_to_the_contracts_sex(tmp_path: Path, code: str, sex: str) -> None:
    text = message("A04", "C1", f"PID|1||MRN9||Doe^Jane||19800115|{code}")
    assert events(read_hl7([write(tmp_path, text)]))["C1"]["sex"] == sex


@pytest.mark.parametrize(
    ("value", "text"),
    [("20240105", "2024-01-05"), ("202401050830", "2024-01-05 08:30:00"),
     ("20240105083015", "2024-01-05 08:30:15"), ("20240105083015.1234-0500", "2024-01-05 08:30:15"),
     ("2024010508", "2024-01-05 08:00:00"), ("yesterday", "yesterday"), ("", None)],
)  # fmt: skip
def test_hl7_timestamps_become_iso_text(value: str, text: str | None) -> None:
    assert hl7_time(value) == text


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_segments_may_end_in_cr_lf_or_crlf(tmp_path: Path, newline: str) -> None:
    text = (message("A01", "C1") + message("A08", "C2")).replace("\r", newline)
    reading = read_hl7([write(tmp_path, text)])
    assert [(r["message_control_id"], r["event_type"]) for r in events(reading).values()] == [
        ("C1", "A01"),
        ("C2", "A08"),
    ]


def test_segments_not_read_are_allowed(tmp_path: Path) -> None:
    text = message("A01", "C1", PID, "NK1|1|Doe^John|SPO", PV1, "OBX|1|NM|8867-4^Heart rate^LN||72")
    assert events(read_hl7([write(tmp_path, text)]))["C1"]["patient_class"] == "E"


def test_mllp_framing_is_tolerated(tmp_path: Path) -> None:
    framed = "".join(f"\x0b{message('A02', c)}\x1c\r" for c in ("C1", "C2"))
    reading = read_hl7([write(tmp_path, framed)])
    assert (list(events(reading)), reading.problems) == (["C1", "C2"], [])


def test_batch_envelope_segments_are_ignored(tmp_path: Path) -> None:
    text = "FHS|^~\\&|EPIC\rBHS|^~\\&|EPIC\r" + message("A01", "C1") + "BTS|1\rFTS|1\r"
    assert list(events(read_hl7([write(tmp_path, text)]))) == ["C1"]


def test_broken_segment_quarantines_only_its_message(tmp_path: Path) -> None:
    broken = message("A01", "C2", PID, "PV1|1|I|ICU^101", "^A|||1234567893")  # PV1 split in two
    reading = read_hl7([write(tmp_path, message("A01", "C1") + broken + message("A03", "C3"))])
    assert list(events(reading)) == ["C1", "C3"]
    (problem,) = reading.problems
    assert (problem.row_ref, problem.table) == ("C2", "adt_event")
    assert problem.reason.startswith("broken segment '^A|||1234567893': ")


def test_unsupported_trigger_event_is_reported(tmp_path: Path) -> None:
    reading = read_hl7([write(tmp_path, message("A11", "C7") + message("A01", "C8"))])
    assert [(p.row_ref, p.reason) for p in reading.problems] == [
        ("C7", "trigger event A11 is not read")
    ]
    assert list(events(reading)) == ["C8"]


def test_message_that_is_not_adt_is_reported(tmp_path: Path) -> None:
    text = message("A01", "C1").replace("ADT^A01", "ORU^R01")
    (problem,) = read_hl7([write(tmp_path, text)]).problems
    assert problem.reason == "message type ORU is not read; only ADT messages are"


def test_message_without_pid_is_reported(tmp_path: Path) -> None:
    (problem,) = read_hl7([write(tmp_path, message("A01", "C1", PV1))]).problems
    assert (problem.row_ref, problem.reason) == (
        "C1",
        "has no PID segment, so the patient is unknown",
    )


def test_message_without_control_id_is_referred_to_by_its_number(tmp_path: Path) -> None:
    text = message("A01", "C1") + message("A11", "")
    (problem,) = read_hl7([write(tmp_path, text)]).problems
    assert problem.row_ref == "message 2"


def test_latin1_text_is_read(tmp_path: Path) -> None:
    text = message("A01", "C1", "PID|1||MRN9||Muñoz^José||19800115|M").encode("latin-1")
    assert events(read_hl7([write(tmp_path, text)]))["C1"]["last_name"] == "Muñoz"


def test_one_batch_per_file(tmp_path: Path) -> None:
    first = write(tmp_path, message("A01", "C1"), "a.hl7")
    second = write(tmp_path, message("A03", "C2"), "b.hl7")
    assert [b.file_name for b in read_hl7([first, second]).batches] == ["a.hl7", "b.hl7"]


@pytest.mark.parametrize("content", ["", "\r\n  \n"])
def test_empty_file_is_rejected(tmp_path: Path, content: str) -> None:
    with pytest.raises(InvalidSubmission, match="the file is empty"):
        read_hl7([write(tmp_path, content)])


def test_file_without_any_msh_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidSubmission, match="has no MSH segment") as refused:
        read_hl7([write(tmp_path, "person_id,event\n1,admit\n", "adt.csv")])
    assert refused.value.file_name == "adt.csv"
