"""The same submission gives the same warehouse on DuckDB and on Spark."""

from __future__ import annotations

from pathlib import Path

import pytest

from commontable.warehouse import Warehouse, connect, load_submission
from tests.warehouse.test_csv_intake import (
    CLAIM_HEADER,
    CLAIM_LINE,
    ELIGIBILITY_HEADER,
    GOOD_SPAN,
)

CLAIMS = CLAIM_HEADER + CLAIM_LINE + CLAIM_LINE.replace("c1,1,", "c1,2,").replace("99213", "9921")
SPANS = ELIGIBILITY_HEADER + "".join(
    [
        GOOD_SPAN,
        GOOD_SPAN.replace("p1,female", "p2, Female ").replace("PPO", " HMO\t"),
        GOOD_SPAN.replace("p1", "p3").replace("1970-02-03", "1970-02-30"),
        GOOD_SPAN.replace("p1", "p4").replace("2024-12-31", "2023-12-31"),
        GOOD_SPAN.replace("p1", "p5").replace("commercial", "medicaid"),
        GOOD_SPAN,
    ]
)


def _snapshot(warehouse: Warehouse, name: str, order: list[str]) -> list[dict[str, object]]:
    table = warehouse.table(name)
    if "ingest_datetime" in table.columns:
        table = table.drop("ingest_datetime")
    return table.order_by(order).to_pyarrow().to_pylist()


def _load(warehouse: Warehouse, tmp_path: Path) -> None:
    folder = tmp_path / "payer"
    folder.mkdir(exist_ok=True)
    (folder / "medical_claim.csv").write_text(CLAIMS)
    (folder / "eligibility.csv").write_text(SPANS)
    load_submission(warehouse, folder, "payer")


def test_submission_loads_on_every_backend(any_warehouse: Warehouse, tmp_path: Path) -> None:
    _load(any_warehouse, tmp_path)
    assert any_warehouse.table("medical_claim").count().execute() == 1
    assert any_warehouse.table("quarantine").count().execute() == 4
    assert any_warehouse.table("eligibility").count().execute() == 3
    assert any_warehouse.table("claim_diagnosis").count().execute() == 2


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_duckdb_and_spark_store_identical_rows(tmp_path: Path) -> None:
    with connect(str(tmp_path / "w.duckdb")) as duck:
        _load(duck, tmp_path)
        expected = {
            "medical_claim": _snapshot(duck, "medical_claim", ["claim_id"]),
            "claim_diagnosis": _snapshot(duck, "claim_diagnosis", ["diagnosis_sequence"]),
            "eligibility": _snapshot(duck, "eligibility", ["person_id"]),
            "quarantine": _snapshot(duck, "quarantine", ["row_ref", "column_name"]),
        }
    spark = connect("spark://local[2]", spark_dir=str(tmp_path / "spark"))
    _load(spark, tmp_path)
    assert _snapshot(spark, "medical_claim", ["claim_id"]) == expected["medical_claim"]
    assert (
        _snapshot(spark, "claim_diagnosis", ["diagnosis_sequence"]) == expected["claim_diagnosis"]
    )
    assert _snapshot(spark, "eligibility", ["person_id"]) == expected["eligibility"]
    assert _snapshot(spark, "quarantine", ["row_ref", "column_name"]) == expected["quarantine"]


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_spark_drops_partitions_of_a_submission_that_never_committed(tmp_path: Path) -> None:
    root = tmp_path / "spark"
    orphan = root / "patient" / "submission_id=9"
    orphan.mkdir(parents=True)
    (orphan / "part-0.parquet").write_bytes(b"half written")
    connect("spark://local[2]", spark_dir=str(root))
    assert not orphan.exists()


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_fhir_and_hl7_submissions_agree_on_duckdb_and_spark(tmp_path: Path) -> None:
    data = Path(__file__).parents[1] / "data"
    tables = ["patient", "encounter", "observation", "medical_claim", "eligibility", "adt_event"]

    def load_all(warehouse: Warehouse) -> dict[str, int]:
        for name in ("fhir", "hl7"):
            load_submission(warehouse, data / name, name)
        counts = {t: int(warehouse.table(t).count().execute()) for t in tables}
        q = warehouse.table("quarantine")
        counts["quarantine"] = int(q.count().execute())
        return counts

    with connect(str(tmp_path / "w.duckdb")) as duck:
        expected = load_all(duck)
        expected_adt = _snapshot(duck, "adt_event", ["message_control_id"])
    spark = connect("spark://local[2]", spark_dir=str(tmp_path / "spark"))
    assert load_all(spark) == expected
    assert _snapshot(spark, "adt_event", ["message_control_id"]) == expected_adt
