"""Intake of CSV submissions: good rows land typed, bad rows are quarantined with their reason."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commontable.errors import InvalidSubmission
from commontable.warehouse import Warehouse, load_submission
from commontable.warehouse.readers.limits import Limits
from commontable.warehouse.readers.tabular import read_parquet
from tests.conftest import Write

ELIGIBILITY_HEADER = (
    "person_id,gender,birth_date,enrollment_start_date,enrollment_end_date,payer,payer_type,plan\n"
)
GOOD_SPAN = "p1,female,1970-02-03,2024-01-01,2024-12-31,Acme Health,commercial,PPO\n"


def quarantined(warehouse: Warehouse) -> list[dict[str, object]]:
    rows = warehouse.table("quarantine").order_by(["row_ref", "column_name"]).to_pyarrow()
    return rows.select(["row_ref", "column_name", "value", "reason"]).to_pylist()


def load_eligibility(warehouse: Warehouse, submission: Write, *rows: str) -> None:
    folder = submission("eligibility.csv", ELIGIBILITY_HEADER + "".join(rows))
    load_submission(warehouse, folder, "acme")


def test_good_rows_are_stored_typed(warehouse: Warehouse, submission: Write) -> None:
    load_eligibility(warehouse, submission, GOOD_SPAN)
    row = warehouse.table("eligibility").to_pyarrow().to_pylist()[0]
    assert row["birth_date"] == date(1970, 2, 3)
    assert row["payer_type"] == "commercial"
    assert row["data_source"] == "acme"
    assert row["file_name"] == "eligibility.csv"


def test_allowed_values_are_matched_without_regard_to_case(
    warehouse: Warehouse, submission: Write
) -> None:
    load_eligibility(warehouse, submission, GOOD_SPAN.replace("female", "Female"))
    assert warehouse.table("eligibility").gender.execute().tolist() == ["female"]


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [
        ("1970-02-30", "birth_date", "not a real calendar date"),
        ("02/03/1970", "birth_date", "not a date: write it as YYYY-MM-DD"),
        ("1870-02-03", "birth_date", "date is outside 1900-2100"),
    ],
)
def test_bad_dates_are_quarantined_with_the_reason(
    warehouse: Warehouse, submission: Write, bad: str, column: str, reason: str
) -> None:
    load_eligibility(warehouse, submission, GOOD_SPAN.replace("1970-02-03", bad))
    assert quarantined(warehouse) == [
        {"row_ref": "row 2", "column_name": column, "value": bad, "reason": reason}
    ]
    assert warehouse.table("eligibility").count().execute() == 0


def test_a_value_outside_the_allowed_list_is_quarantined(
    warehouse: Warehouse, submission: Write
) -> None:
    second = GOOD_SPAN.replace("commercial", "comercial").replace("p1", "p2")
    load_eligibility(warehouse, submission, GOOD_SPAN, second)
    [problem] = quarantined(warehouse)
    assert (problem["row_ref"], problem["column_name"]) == ("row 3", "payer_type")
    assert str(problem["reason"]).startswith("not one of: commercial")
    assert warehouse.table("eligibility").count().execute() == 1


def test_required_value_missing_is_quarantined(warehouse: Warehouse, submission: Write) -> None:
    load_eligibility(warehouse, submission, GOOD_SPAN.replace("p1,", ",", 1))
    assert quarantined(warehouse)[0]["reason"] == "required value is missing"


def test_end_before_start_is_quarantined(warehouse: Warehouse, submission: Write) -> None:
    load_eligibility(warehouse, submission, GOOD_SPAN.replace("2024-12-31", "2023-12-31"))
    [problem] = quarantined(warehouse)
    assert problem["reason"] == "enrollment_end_date is before enrollment_start_date"


def test_a_repeated_key_quarantines_the_later_row(warehouse: Warehouse, submission: Write) -> None:
    load_eligibility(warehouse, submission, GOOD_SPAN, GOOD_SPAN)
    [problem] = quarantined(warehouse)
    assert problem["row_ref"] == "row 3"
    assert str(problem["reason"]).startswith("duplicate person_id, payer, plan")


def test_malformed_csv_record_is_quarantined_by_row_number(
    warehouse: Warehouse, submission: Write
) -> None:
    load_eligibility(
        warehouse, submission, GOOD_SPAN, "p2,male,1980-01-01\n", GOOD_SPAN.replace("p1", "p3")
    )
    [problem] = quarantined(warehouse)
    assert problem["row_ref"] == "row 3"
    assert problem["reason"] == "has 3 fields; the header has 8"
    assert sorted(warehouse.table("eligibility").person_id.execute()) == ["p1", "p3"]


def test_a_huge_field_is_quarantined_not_fatal(warehouse: Warehouse, submission: Write) -> None:
    """Over the contract's 1,024 characters the value is quarantined; only beyond the file
    limit (intake_max_field_chars, tests/warehouse/test_limits.py) is the file rejected."""
    load_eligibility(warehouse, submission, GOOD_SPAN.replace("PPO", "P" * 20_000))
    [problem] = quarantined(warehouse)
    assert problem["reason"] == "value is 20000 characters; the limit is 1024"


def test_missing_required_column_rejects_the_file(warehouse: Warehouse, submission: Write) -> None:
    folder = submission("eligibility.csv", "person_id,gender\np1,female\n")
    with pytest.raises(InvalidSubmission, match="missing required column birth_date"):
        load_submission(warehouse, folder, "acme")


def test_unknown_column_is_rejected_with_a_suggestion(
    warehouse: Warehouse, submission: Write
) -> None:
    folder = submission("eligibility.csv", ELIGIBILITY_HEADER.replace("plan", "plann") + GOOD_SPAN)
    with pytest.raises(InvalidSubmission, match="did you mean 'plan'"):
        load_submission(warehouse, folder, "acme")


def test_empty_file_is_rejected(warehouse: Warehouse, submission: Write) -> None:
    with pytest.raises(InvalidSubmission, match="the file is empty"):
        load_submission(warehouse, submission("eligibility.csv", ""), "acme")


def test_file_not_named_after_a_table_is_rejected(warehouse: Warehouse, submission: Write) -> None:
    with pytest.raises(InvalidSubmission, match="cannot tell which table"):
        load_submission(warehouse, submission("claims_export.csv", "a,b\n1,2\n"), "acme")


CLAIM_HEADER = (
    "claim_id,claim_line_number,claim_type,person_id,payer,claim_start_date,claim_end_date,"
    "place_of_service_code,hcpcs_code,rendering_npi,paid_amount,diagnosis_code_1,diagnosis_code_2\n"
)
CLAIM_LINE = "c1,1,professional,p1,Acme,2024-03-01,2024-03-01,11,99213,1234567893,85.20,E11.9,I10\n"


def load_claims(warehouse: Warehouse, submission: Write, *rows: str) -> None:
    load_submission(
        warehouse, submission("medical_claim.csv", CLAIM_HEADER + "".join(rows)), "acme"
    )


def test_claim_diagnoses_are_kept_one_row_per_slot(warehouse: Warehouse, submission: Write) -> None:
    load_claims(warehouse, submission, CLAIM_LINE, CLAIM_LINE.replace("c1,1,", "c1,2,"))
    diagnoses = warehouse.table("claim_diagnosis").order_by("diagnosis_sequence").to_pyarrow()
    assert diagnoses.select(["claim_id", "diagnosis_sequence", "diagnosis_code"]).to_pylist() == [
        {"claim_id": "c1", "diagnosis_sequence": 1, "diagnosis_code": "E119"},
        {"claim_id": "c1", "diagnosis_sequence": 2, "diagnosis_code": "I10"},
    ]
    assert warehouse.table("medical_claim").paid_amount.sum().execute() == Decimal("170.40")


@pytest.mark.parametrize(
    ("column", "bad", "reason"),
    [
        ("diagnosis_code_1", "E11.99", "unknown ICD-10-CM code"),
        ("diagnosis_code_1", "XYZ", "not a valid ICD-10-CM code"),
        ("hcpcs_code", "9921", "not a valid CPT/HCPCS code"),
        ("place_of_service_code", "77", "unknown Place of service code"),
        ("rendering_npi", "1234567890", "NPI check digit is wrong"),
        ("paid_amount", "$85", "not a number"),
    ],
)
def test_unknown_or_malformed_codes_are_quarantined(
    warehouse: Warehouse, submission: Write, column: str, bad: str, reason: str
) -> None:
    good = dict(zip(CLAIM_HEADER.strip().split(","), CLAIM_LINE.strip().split(","), strict=True))
    line = ",".join({**good, column: bad}.values()) + "\n"
    load_claims(warehouse, submission, line)
    [problem] = quarantined(warehouse)
    assert problem["column_name"] == column
    assert str(problem["reason"]).startswith(reason)


def test_parquet_file_loads_like_csv(warehouse: Warehouse, tmp_path: Path) -> None:
    folder = tmp_path / "parquet"
    folder.mkdir()
    table = pa.table(
        {
            "person_id": ["p1"],
            "sex": ["female"],
            "birth_date": pa.array([date(1970, 2, 3)]),
            "death_flag": pa.array([False]),
        }
    )
    pq.write_table(table, folder / "patient.parquet")
    load_submission(warehouse, folder, "clinic")
    row = warehouse.table("patient").to_pyarrow().to_pylist()[0]
    assert (row["birth_date"], row["death_flag"]) == (date(1970, 2, 3), False)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (pa.timestamp("ms"), "2024-05-01 13:45:07.000"),
        (pa.timestamp("us"), "2024-05-01 13:45:07.000000"),
        (pa.timestamp("us", tz="America/New_York"), "2024-05-01 09:45:07.000000"),
    ],
)
def test_parquet_date_times_are_read_as_their_wall_clock_text(
    tmp_path: Path, kind: pa.DataType, text: str
) -> None:
    moment = pa.array([datetime(2024, 5, 1, 13, 45, 7), None], pa.timestamp("s", tz="UTC"))
    column = moment.cast(kind) if kind.tz else moment.cast(pa.timestamp("s")).cast(kind)
    pq.write_table(pa.table({"event_datetime": column}), tmp_path / "adt_event.parquet")
    [reading] = read_parquet(tmp_path / "adt_event.parquet", "adt_event", Limits())
    assert reading.batches[0].rows.column("event_datetime").to_pylist() == [text, None]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are read in chunks of two rows, as a very large file would be."""
    monkeypatch.setattr("commontable.warehouse.readers.tabular.CHUNK_ROWS", 2)
    monkeypatch.setattr("commontable.warehouse.readers.tabular.BLOCK_SIZE", 256)


def test_a_file_read_in_chunks_keeps_its_row_numbers(
    warehouse: Warehouse, submission: Write, small_chunks: None
) -> None:
    spans = [GOOD_SPAN.replace("p1", f"p{i}") for i in range(1, 8)]
    spans[5] = "p6,male\n"
    load_eligibility(warehouse, submission, *spans)
    [problem] = quarantined(warehouse)
    assert problem["row_ref"] == "row 7"
    loaded = sorted(warehouse.table("eligibility").person_id.execute())
    assert loaded == ["p1", "p2", "p3", "p4", "p5", "p7"]


def test_a_bad_file_after_good_chunks_still_rejects_everything(
    warehouse: Warehouse, submission: Write, small_chunks: None
) -> None:
    spans = [GOOD_SPAN.replace("p1", f"p{i}") for i in range(1, 6)]
    submission("eligibility.csv", ELIGIBILITY_HEADER + "".join(spans))
    folder = submission("patient.csv", "person_id,sex\nc1,female\n")
    with pytest.raises(InvalidSubmission, match="missing required column birth_date"):
        load_submission(warehouse, folder, "acme")
    assert warehouse.table("eligibility").count().execute() == 0
