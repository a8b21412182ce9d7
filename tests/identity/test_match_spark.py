"""The same person records matched on DuckDB and on Spark give the same persons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from commontable.identity.match import match_people
from commontable.synth import generate_region
from commontable.warehouse import Warehouse, connect, load_submission

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

# A health plan, a clinic and a hospital: eligibility, patient and adt_event records.
MEMBERS = ("finger-lakes-health-plan", "lake-country-physicians", "genesee-valley-medical-center")


def _members_only(region: Path, out: Path) -> Path:
    for member in MEMBERS:
        folder = out / member
        folder.mkdir(parents=True)
        for path in (region / "sources" / member).iterdir():
            if path.name in {"eligibility.csv", "patient.csv", "adt_event.parquet"}:
                shutil.copy(path, folder / path.name)
    return out


def _load(store: Warehouse, sources: Path) -> None:
    for member in MEMBERS:
        load_submission(store, sources / member, member)


def _persons(store: Warehouse) -> set[frozenset[tuple[str, str]]]:
    """The crosswalk as a partition of source records (ids aside)."""
    rows = store.table("person_crosswalk").to_pyarrow().to_pylist()
    groups: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        groups.setdefault(row["person_id"], set()).add(
            (row["data_source"], row["source_person_id"])
        )
    return {frozenset(g) for g in groups.values()}


def test_duckdb_and_spark_find_the_same_persons(tmp_path: Path) -> None:
    generate_region(people=600, seed=3, out=tmp_path / "region", errors=False)
    sources = _members_only(tmp_path / "region", tmp_path / "sources")
    model = tmp_path / "model.json"
    with connect(str(tmp_path / "warehouse.duckdb")) as duck:
        _load(duck, sources)
        on_duckdb = match_people(duck, model)
        duck_persons = _persons(duck)
        duck_ids = duck.table("person_crosswalk").to_pyarrow().sort_by("source_person_id")
    spark = connect("spark://local[2]", spark_dir=str(tmp_path / "spark"))
    _load(spark, sources)
    on_spark = match_people(spark, model)  # the parameters DuckDB estimated, reused on Spark
    assert not on_spark.trained
    assert on_spark.records == on_duckdb.records
    assert _persons(spark) == duck_persons
    spark_ids = spark.table("person_crosswalk").to_pyarrow().sort_by("source_person_id")
    assert spark_ids.column("person_id").equals(duck_ids.column("person_id"))
    person = spark.table("person").to_pyarrow()
    assert isinstance(person, pa.Table)
    assert person.num_rows == on_spark.persons
