"""Planted truth: on a synthetic region, per-clinic rates recover the rates the generator planted.

The region's members' files go through intake; identity is taken from the generator's truth (so
these tests do not depend on the matcher). Tolerance: the planted rate lies inside the 95%
Wilson interval of the measured rate for at least 12 of the 15 clinics (95% intervals would
miss about 1 in 20 by chance), and measured and planted rates rise together across clinics.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commontable.measures import MeasureRun, run_measures
from commontable.measures.library import coordination
from commontable.synth import generate_region
from commontable.synth.organizations import COLLABORATIVE, GROUPS, PLANS
from commontable.warehouse import Warehouse, connect, load_submission, submissions_in

PEOPLE, SEED, YEAR = 4_000, 11, 2025
# The members whose files the measures read: the roster, the medical groups, the health plans.
MEMBERS = {COLLABORATIVE[0], *(slug for slug, _, _ in GROUPS), *(slug for slug, _, _ in PLANS)}
PLANTED = {
    "CMS125": "breast_cancer_screening",
    "CMS122": "diabetes_hba1c_poor_control",
    "CMS165": "controlling_high_blood_pressure",
}
MIN_INSIDE = 12  # of 15 clinics


def identity_from_truth(truth: Path) -> dict[str, pa.Table]:
    """person_crosswalk and person as a perfect matcher would write them."""
    links = pq.read_table(truth / "source_person.parquet")
    links = links.group_by(["data_source", "source_person_id"]).aggregate([("person_key", "min")])
    n = links.num_rows
    crosswalk = pa.table(
        {
            "data_source": links["data_source"],
            "source_person_id": links["source_person_id"],
            "person_id": links["person_key_min"],
            "match_probability": pa.array([1.0] * n),
            "match_method": pa.array(["deterministic"] * n),
        }
    )
    people = pq.read_table(truth / "person.parquet")
    columns = ("birth_date", "sex", "race", "ethnicity", "death_date", "zip_code")
    person = pa.table({"person_id": people["person_key"], **{c: people[c] for c in columns}})
    return {"person_crosswalk": crosswalk, "person": person}


def _full(warehouse: Warehouse, name: str, rows: pa.Table) -> pa.Table:
    schema = warehouse.schemas[name].to_pyarrow()
    return pa.table(
        [
            rows[f.name].cast(f.type)
            if f.name in rows.column_names
            else pa.nulls(len(rows), f.type)
            for f in schema
        ],
        schema=schema,
    )


def _build(folder: Path) -> None:
    """Generate the region, load its members' files, write identity from the truth."""
    generate_region(people=PEOPLE, seed=SEED, out=folder, errors=False)
    with connect(str(folder / "warehouse.duckdb")) as warehouse:
        for name, source in submissions_in(folder / "sources"):
            if name in MEMBERS:
                load_submission(warehouse, source, name)
        identity = identity_from_truth(folder / "truth")
        warehouse.replace({k: _full(warehouse, k, v) for k, v in identity.items()})


def built_once(folder: Path) -> Path:
    """The region built by the first test process to get here; the others wait for it.

    Under pytest-xdist every worker would otherwise spend its own 20 s on the same region.
    """
    done, lock = folder / "built", folder.with_suffix(".lock")
    folder.mkdir(parents=True, exist_ok=True)
    while not done.exists():
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL)
        except FileExistsError:
            time.sleep(0.2)
            continue
        try:
            if not done.exists():
                _build(folder)
                done.touch()
        finally:
            os.close(handle)
            lock.unlink()
    return folder


@pytest.fixture(scope="session")
def built_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The region's folder: sources, truth, and the loaded warehouse (copy it to write to it)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return built_once(shared / "measures-planted-region")


def _copy(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    mine = tmp_path_factory.mktemp("planted") / "warehouse.duckdb"
    shutil.copyfile(folder / "warehouse.duckdb", mine)
    return str(mine)


@pytest.fixture(scope="session")
def region(
    built_region: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Warehouse, Path, MeasureRun]]:
    with connect(_copy(built_region, tmp_path_factory)) as warehouse:
        yield warehouse, built_region / "truth", run_measures(warehouse, YEAR)


def _clinic_results(warehouse: Warehouse, measure: str) -> list[dict[str, Any]]:
    results = warehouse.table("measure_result")
    mine = results.filter(
        (results.measure_id == measure)
        & (results.entity_type == "clinic")
        & (results.stratum_type == "all")
    )
    return mine.order_by("entity_id").to_pyarrow().to_pylist()


@pytest.mark.parametrize("measure", sorted(PLANTED))
def test_clinic_rates_recover_the_planted_rates(
    region: tuple[Warehouse, Path, MeasureRun], measure: str
) -> None:
    warehouse, truth, _ = region
    planted = json.loads((truth / "planted.json").read_text())["measures"][PLANTED[measure]]
    rows = _clinic_results(warehouse, measure)
    assert len(rows) == len(planted["by_clinic"])
    inside = [r["ci_low"] <= planted["by_clinic"][r["entity_id"]] <= r["ci_high"] for r in rows]
    assert sum(inside) >= MIN_INSIDE, [
        (r["entity_id"], round(r["rate"], 3), planted["by_clinic"][r["entity_id"]]) for r in rows
    ]
    measured = [r["rate"] for r in rows]
    expected = [planted["by_clinic"][r["entity_id"]] for r in rows]
    assert np.corrcoef(measured, expected)[0, 1] > 0.5


def test_patients_are_attributed_to_their_true_clinic(
    region: tuple[Warehouse, Path, MeasureRun],
) -> None:
    warehouse, truth, _ = region
    true = pq.read_table(truth / "attribution.parquet").to_pandas()
    true = true[true.year == YEAR].set_index("person_key").clinic_id
    patients = warehouse.table("measure_patient")
    ours = patients.filter(patients.measure_id == "ED-VISITS").select("person_id", "clinic")
    ours = ours.to_pandas().set_index("person_id").clinic
    both = true.index.intersection(ours.index)
    assert len(both) > 0.8 * len(true)
    assert (ours[both] == true[both]).mean() > 0.98


def test_the_run_reports_every_measure_for_the_whole_collaborative(
    region: tuple[Warehouse, Path, MeasureRun],
) -> None:
    _, _, run = region
    told = {m.id for m in coordination.MEASURES}  # no care team was told: no live feed here
    reported = {
        r["measure_id"]: r["status"] for r in run.collaborative if r["measure_id"] not in told
    }
    assert told <= {r["measure_id"] for r in run.collaborative}
    assert reported == dict.fromkeys(
        ["CMS125", "CMS122", "CMS165", "CMS130", "CMS124", "CMS2", "CMS347", "CMS117"]
        + ["ED-VISITS", "IP-ADMISSIONS"]
        + ["HWR-30", "PQI-01", "PQI-05", "PQI-07", "PQI-08", "PQI-14", "PQI-15", "PQI-90"]
        + ["FU7-DISCHARGE", "TCOC-PMPM", "COST-INPATIENT-PMPM", "COST-OUTPATIENT-PMPM"]
        + ["COST-OFFICE-PMPM", "COST-ED-PMPM", "COST-PHARMACY-PMPM", "COST-OTHER-PMPM"],
        "reported",
    )


@pytest.mark.slow
def test_results_on_the_matchers_persons_agree_with_the_truth(
    region: tuple[Warehouse, Path, MeasureRun],
    built_region: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """End to end: `commontable match` instead of the truth, then the same measures."""
    from commontable.identity.match import match_people

    _, _, truth_run = region
    with connect(_copy(built_region, tmp_path_factory)) as warehouse:
        match_people(
            warehouse, tmp_path_factory.mktemp("model") / "identity_model.json", rebuild=True
        )
        matched_run = run_measures(warehouse, YEAR)
    by_truth = {r["measure_id"]: r for r in truth_run.collaborative}
    for row in matched_run.collaborative:
        expected = by_truth[row["measure_id"]]
        assert row["denominator"] == pytest.approx(expected["denominator"], rel=0.02)
        assert row["rate"] == pytest.approx(expected["rate"], rel=0.02)
