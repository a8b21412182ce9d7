"""FHIR R4 MeasureReport export: summary per measure and entity, individual per patient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest
from fhir.resources.R4B.measurereport import MeasureReport

from commontable.errors import UserError
from commontable.measures.fhir_export import export_fhir
from commontable.warehouse import Warehouse, connect
from commontable.warehouse.schema import MEASURE_PATIENT, MEASURE_RESULT


def result(
    entity_type: str, entity_id: str, stratum_type: str = "all", stratum: str = "all", **counts: int
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(MEASURE_RESULT.names)
    row.update(
        measure_id="CMS125", period=2025, entity_type=entity_type, entity_id=entity_id,
        entity_name=entity_id.title(), stratum_type=stratum_type, stratum=stratum,
        initial_population=120, denominator_exclusion=10, denominator_exception=0,
        denominator=100, numerator=70, rate=0.7, status="reported",
    )  # fmt: skip
    row.update(counts)
    return row


def patient(person_id: str, *, excluded: bool = False, met: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(MEASURE_PATIENT.names)
    row.update(
        person_id=person_id, measure_id="CMS125", period=2025, initial_population=True,
        denominator=True, denominator_exclusion=excluded, denominator_exception=False,
        numerator=met, numerator_count=int(met),
    )  # fmt: skip
    return row


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    store = connect(str(tmp_path / "warehouse.duckdb"))
    store.replace(
        {
            "measure_result": pa.Table.from_pylist(
                [
                    result("collaborative", "collaborative"),
                    result("collaborative", "collaborative", "sex", "female"),
                    result("clinic", "ORG-CLIN-01", denominator=40, numerator=30, rate=0.75),
                ],
                schema=MEASURE_RESULT.to_pyarrow(),
            ),
            "measure_patient": pa.Table.from_pylist(
                [patient("P1", met=True), patient("P2"), patient("P3", excluded=True)],
                schema=MEASURE_PATIENT.to_pyarrow(),
            ),
        }
    )
    yield store
    store.close()


def reports(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def population(report: dict[str, Any], code: str, group: int = 0) -> int:
    found = report["group"][group]["population"]
    return next(p["count"] for p in found if p["code"]["coding"][0]["code"] == code)


def test_every_report_is_a_valid_fhir_r4_measure_report(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    export_fhir(warehouse, 2025, tmp_path / "out", ["CMS125"], individual=True)
    for name in ("MeasureReport.summary.ndjson", "MeasureReport.individual.ndjson"):
        for report in reports(tmp_path / "out" / name):
            MeasureReport.model_validate(report)


def test_one_summary_per_measure_and_entity(warehouse: Warehouse, tmp_path: Path) -> None:
    done = export_fhir(warehouse, 2025, tmp_path, ["CMS125"])
    summary = reports(tmp_path / "MeasureReport.summary.ndjson")
    assert [r["subject"]["identifier"]["value"] for r in summary] == [
        "ORG-CLIN-01",
        "collaborative",
    ]
    assert list(done.files.values()) == [2]


def test_a_summary_counts_excluded_patients_in_its_denominator(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    export_fhir(warehouse, 2025, tmp_path, ["CMS125"])
    whole = reports(tmp_path / "MeasureReport.summary.ndjson")[1]
    assert population(whole, "denominator") == 110  # 100 scored + 10 excluded
    assert population(whole, "denominator-exclusion") == 10
    assert whole["group"][0]["measureScore"]["value"] == 0.7


def test_strata_become_a_stratifier(warehouse: Warehouse, tmp_path: Path) -> None:
    export_fhir(warehouse, 2025, tmp_path, ["CMS125"])
    whole = reports(tmp_path / "MeasureReport.summary.ndjson")[1]
    [stratifier] = whole["group"][0]["stratifier"]
    assert stratifier["code"][0]["text"] == "sex"
    assert stratifier["stratum"][0]["value"]["text"] == "female"


def test_an_ecqm_measure_names_its_cms_canonical_url(warehouse: Warehouse, tmp_path: Path) -> None:
    export_fhir(warehouse, 2025, tmp_path, ["CMS125"])
    report = reports(tmp_path / "MeasureReport.summary.ndjson")[0]
    assert report["measure"] == "https://madie.cms.gov/Measure/BreastCancerScreeningFHIR"


def test_individual_reports_score_each_patient(warehouse: Warehouse, tmp_path: Path) -> None:
    export_fhir(warehouse, 2025, tmp_path, ["CMS125"], individual=True)
    found = {
        r["subject"]["identifier"]["value"]: r
        for r in reports(tmp_path / "MeasureReport.individual.ndjson")
    }
    assert found["P1"]["group"][0]["measureScore"]["value"] == 1.0
    assert found["P2"]["group"][0]["measureScore"]["value"] == 0.0
    assert "measureScore" not in found["P3"]["group"][0]  # excluded: not scored
    assert population(found["P3"], "denominator-exclusion") == 1


def test_individual_reports_only_when_asked(warehouse: Warehouse, tmp_path: Path) -> None:
    export_fhir(warehouse, 2025, tmp_path, ["CMS125"])
    assert not (tmp_path / "MeasureReport.individual.ndjson").exists()


def test_a_period_never_measured_is_refused(warehouse: Warehouse, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="measure run --period 2019"):
        export_fhir(warehouse, 2019, tmp_path, ["CMS125"])
