"""The measures run unchanged on Apache Spark: the same patient rows and results as DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commontable.measures import run_measures
from commontable.warehouse import Warehouse, connect
from tests.measures.tiny_region import TinyRegion

pytestmark = [pytest.mark.spark, pytest.mark.slow, pytest.mark.xdist_group("spark")]


def _region() -> TinyRegion:
    """A few people touching every measure, attribution and stratum (lower-case f/v values too)."""
    region = TinyRegion()
    region.person("screened", "1960-05-01", zip_code="14450", county="Monroe County")
    region.visit("screened", "2025-03-01", "A")
    region.claim("screened", "2024-11-01", hcpcs_code="77067")
    region.person("diabetic", "1958-02-01", sex="male", race="black or african american")
    region.visit("diabetic", "2025-03-01", "B")
    region.visit("diabetic", "2025-09-01", "A")
    region.condition("diabetic", "E11.9", "2015-01-01")
    region.lab("diabetic", "2025-09-01", "4548-4", None)
    region.medication("diabetic", "2025-09-01", "617311")  # a statin (CMS347)
    region.observation("screened", "2025-03-01", "73832-8", value_code="428171000124102")  # CMS2
    region.person("toddler", "2023-06-01")  # CMS117: DTaP doses, and a newborn injection
    region.visit("toddler", "2025-03-01", "B")
    for when in ("2023-08-01", "2023-10-01", "2023-12-01", "2024-09-01"):
        region.immunization("toddler", when, "20")
    region.procedure("toddler", "2023-06-01", "3E0234Z", "icd-10-pcs")
    region.person("hypertensive", "1950-07-01", sex="male", covered=False)
    region.coverage("hypertensive", "2025-03-01", None, "Beta Care", "medicaid")
    region.visit("hypertensive", "2025-02-01", "C")
    region.condition("hypertensive", "I10", "2010-01-01")
    region.blood_pressure("hypertensive", "2025-05-01", 132, 84)
    visit = region.encounter("hypertensive", "2025-11-01", "emergency department")
    region.blood_pressure("hypertensive", "2025-11-01", 172, 101, encounter_id=visit)
    er = {"claim_type": "institutional", "bill_type_code": "131", "revenue_center_code": "0450"}
    region.claim("hypertensive", "2025-11-01", **er)
    stay = {"claim_type": "institutional", "bill_type_code": "111"}
    region.claim("hypertensive", "2025-11-01", end="2025-11-04", **stay)
    region.person("readmitted", "1948-09-15", sex="male")
    region.visit("readmitted", "2025-01-15", "A")
    region.stay("readmitted", "2025-03-01", "2025-03-04", diagnoses=("I50.9", "E11.9"))
    region.claim("readmitted", "2025-03-08", hcpcs_code="99496")
    region.stay("readmitted", "2025-03-20", "2025-03-23", hospital="R", procedures=("0SRC0J9",))
    region.fill("readmitted", "2025-04-01", 12.34)
    region.adt("readmitted", "A01", "2025-03-01T09:00")  # the measures of coordination
    told = region.adt("readmitted", "A03", "2025-03-04T14:00", disposition="01")
    region.notice(told, "2025-03-04T14:00", told=("2025-03-04T14:20",), outcomes=("contacted",))
    region.adt("readmitted", "A03", "2025-03-23T11:00", disposition="01", visit="V2")
    seen = region.adt("hypertensive", "A04", "2025-11-01T22:00", patient_class="E", visit="V3")
    region.notice(seen, "2025-11-01T22:00", told=("2025-11-01T22:01",))
    return region


def _rows(warehouse: Warehouse, name: str, key: list[str]) -> list[dict[str, Any]]:
    return warehouse.table(name).order_by(key).to_pyarrow().to_pylist()


def test_spark_gives_the_same_patient_rows_and_results_as_duckdb(tmp_path: Path) -> None:
    outputs = []
    for url in (str(tmp_path / "warehouse.duckdb"), "spark://local[2]"):
        with connect(url, spark_dir=str(tmp_path / "spark")) as warehouse:
            _region().write(warehouse)
            run_measures(warehouse, 2025)
            outputs.append(
                (
                    _rows(warehouse, "measure_patient", ["measure_id", "person_id", "event_id"]),
                    _rows(
                        warehouse,
                        "measure_result",
                        ["measure_id", "entity_type", "entity_id", "stratum_type", "stratum"],
                    ),
                )
            )
    (duck_patients, duck_results), (spark_patients, spark_results) = outputs
    assert spark_patients == duck_patients
    assert len(spark_results) == len(duck_results)
    for ours, theirs in zip(spark_results, duck_results, strict=True):
        assert ours == pytest.approx(theirs, nan_ok=True)
