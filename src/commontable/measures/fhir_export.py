"""`commontable measure export --format fhir`: a period's results as FHIR R4 MeasureReports.

* summary: one MeasureReport per measure and entity (the whole collaborative, each clinic,
  plan...) with its population counts, its score and one stratifier per stratum type;
* individual: one MeasureReport per patient and measure, from `measure_patient` (patient-level:
  for reporting to a program that receives patient-level data, never for the public).

Both are written as NDJSON, one resource per line (FHIR Bulk Data style). Figures are the
warehouse's, unsuppressed: small-cell suppression applies when results are published.
Structure: HL7 FHIR R4 MeasureReport, https://hl7.org/fhir/R4/measurereport.html.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import ibis
import orjson
import pyarrow as pa

from commontable.errors import UserError
from commontable.measures.definition import PERSON, PROPORTION, Measure
from commontable.measures.library import select
from commontable.measures.period import Period
from commontable.warehouse import Warehouse

# http://terminology.hl7.org/CodeSystem/measure-population codes and the columns holding them.
POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population"
POPULATIONS = {
    "initial-population": "initial_population",
    "denominator": "denominator",
    "denominator-exclusion": "denominator_exclusion",
    "denominator-exception": "denominator_exception",
    "numerator": "numerator",
}
# http://terminology.hl7.org/CodeSystem/measure-improvement-notation
IMPROVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
# The CMS eCQM FHIR measures' canonical URLs (MADiE), for the library's eCQM-based measures.
ECQM_CANONICAL = "https://madie.cms.gov/Measure/"
ECQM_NAMES = {
    "CMS125": "BreastCancerScreeningFHIR",
    "CMS122": "DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR",
    "CMS165": "ControllingHighBloodPressureFHIR",
    "CMS130": "ColonCancerScreeningFHIR",
    "CMS124": "CervicalCancerScreeningFHIR",
    "CMS2": "PCSDepressionScreenAndFollowUpFHIR",
    "CMS347": "StatinTherapyforthePreventionandTreatmentofCardiovascularDiseaseFHIR",
    "CMS117": "ChildhoodImmunizationStatusFHIR",
}
ENTITY_SYSTEM = "urn:commontable:entity:"  # + entity type: clinic, health_plan, ...
PERSON_SYSTEM = "urn:commontable:person"
SUMMARY = "summary"
INDIVIDUAL = "individual"


@dataclass(frozen=True)
class Exported:
    """What an export wrote: file paths and how many MeasureReports each holds."""

    files: dict[Path, int]

    def summary(self) -> str:
        said = ", ".join(f"{path} ({count:,} MeasureReports)" for path, count in self.files.items())
        return f"measure export: {said}"


def canonical(measure: Measure) -> str:
    """The measure's canonical URL: CMS's for eCQM-based measures, else its specification."""
    name = ECQM_NAMES.get(measure.id)
    return f"{ECQM_CANONICAL}{name}" if name else measure.source


def _population(code: str, count: int | float | None) -> dict[str, Any]:
    return {
        "code": {"coding": [{"system": POPULATION_SYSTEM, "code": code}]},
        "count": int(count or 0),
    }


def _populations(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [_population(code, row[column]) for code, column in POPULATIONS.items()]


def _result_populations(row: dict[str, Any]) -> list[dict[str, Any]]:
    """A measure_result row's populations as FHIR counts them: its denominator is the one
    after exclusions and exceptions, FHIR's the one before (they are part of it)."""
    before = row["denominator"] + row["denominator_exclusion"] + row["denominator_exception"]
    return _populations({**row, "denominator": before})


def _score(row: dict[str, Any]) -> dict[str, Any]:
    return {} if row["rate"] is None else {"measureScore": {"value": float(row["rate"])}}


def _header(measure: Measure, period: Period, kind: str, created: str) -> dict[str, Any]:
    notation = "increase" if measure.higher_is_better else "decrease"
    return {
        "resourceType": "MeasureReport",
        "status": "complete",
        "type": kind,
        "measure": canonical(measure),
        "date": created,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "improvementNotation": {"coding": [{"system": IMPROVEMENT_SYSTEM, "code": notation}]},
    }


def summary_reports(
    results: Iterable[dict[str, Any]], measures: Sequence[Measure], period: Period, created: str
) -> Iterator[dict[str, Any]]:
    """One summary MeasureReport per measure and entity from measure_result rows."""
    by_id = {m.id: m for m in measures}
    cells: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in results:
        cells.setdefault((row["measure_id"], row["entity_type"], row["entity_id"]), []).append(row)
    for (measure_id, entity_type, entity_id), rows in sorted(cells.items()):
        measure = by_id.get(measure_id)
        whole = next((r for r in rows if r["stratum_type"] == "all"), None)
        if measure is None or whole is None:
            continue
        stratifiers: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row["stratum_type"] != "all":
                stratifiers.setdefault(row["stratum_type"], []).append(
                    {
                        "value": {"text": row["stratum"]},
                        "population": _result_populations(row),
                        **_score(row),
                    }
                )
        group: dict[str, Any] = {"population": _result_populations(whole), **_score(whole)}
        if stratifiers:
            group["stratifier"] = [
                {"code": [{"text": stratum_type}], "stratum": strata}
                for stratum_type, strata in sorted(stratifiers.items())
            ]
        yield {
            **_header(measure, period, SUMMARY, created),
            "id": f"{measure_id}-{period.year}-{entity_type}-{entity_id}".replace("_", "-")[:64],
            "subject": {
                "identifier": {"system": ENTITY_SYSTEM + entity_type, "value": entity_id},
                "display": whole["entity_name"],
            },
            "group": [group],
        }


def individual_reports(
    patients: Iterable[dict[str, Any]], measures: Sequence[Measure], period: Period, created: str
) -> Iterator[dict[str, Any]]:
    """One individual MeasureReport per patient and measure from per-patient counts (a measure
    counted per event, such as readmissions, counts each of the patient's events)."""
    by_id = {m.id: m for m in measures}
    for row in patients:
        measure = by_id[row["measure_id"]]
        report = {
            **_header(measure, period, INDIVIDUAL, created),
            "subject": {"identifier": {"system": PERSON_SYSTEM, "value": row["person_id"]}},
            "group": [{"population": _populations(row)}],
        }
        scored_alone = measure.type == PROPORTION and measure.unit == PERSON
        if scored_alone and row["denominator"] and not row["excluded"]:
            report["group"][0]["measureScore"] = {"value": 1.0 if row["numerator"] else 0.0}
        yield report


def _patient_counts(warehouse: Warehouse, period: int, ids: list[str]) -> ibis.Table:
    """Per patient and measure: how many times each population counts them (events for
    per-event measures, 0 or 1 otherwise), in the engine."""
    rows = warehouse.table("measure_patient")
    rows = rows.filter((rows.period == period) & rows.measure_id.isin(ids))
    counted = {column: rows[column].cast("int64").sum() for column in POPULATIONS.values()}
    return (
        rows.group_by(["person_id", "measure_id"])
        .aggregate(**counted)
        .mutate(excluded=lambda t: (t.denominator_exclusion + t.denominator_exception) > 0)
        .order_by(["measure_id", "person_id"])
    )


def _write(lines: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    count = 0
    for resource in lines:
        out.write(orjson.dumps(resource) + b"\n")
        count += 1
    return count


def _batches(table: ibis.Table) -> Iterator[dict[str, Any]]:
    for batch in table.to_pyarrow_batches(chunk_size=50_000):
        yield from pa.Table.from_batches([batch]).to_pylist()


def export_fhir(
    warehouse: Warehouse,
    period: int,
    out: Path,
    measure_ids: list[str] | None = None,
    *,
    individual: bool = False,
    now: datetime | None = None,
) -> Exported:
    """Write MeasureReport.summary.ndjson (and MeasureReport.individual.ndjson) into `out`."""
    measures = select(measure_ids)
    ids = [m.id for m in measures]
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    the_period = Period(period)
    out.mkdir(parents=True, exist_ok=True)
    results = warehouse.table("measure_result")
    results = results.filter((results.period == period) & results.measure_id.isin(ids))
    if int(results.count().execute()) == 0:
        raise UserError(
            f"no measure results for {period}: run `commontable measure run --period {period}` "
            "first"
        )
    files: dict[Path, int] = {}
    path = out / "MeasureReport.summary.ndjson"
    with path.open("wb") as handle:
        files[path] = _write(
            summary_reports(_batches(results), measures, the_period, created), handle
        )
    if individual:
        path = out / "MeasureReport.individual.ndjson"
        patients = _batches(_patient_counts(warehouse, period, ids))
        with path.open("wb") as handle:
            files[path] = _write(
                individual_reports(patients, measures, the_period, created), handle
            )
    return Exported(files)
