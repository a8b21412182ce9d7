"""A warehouse file written before a version added columns still opens, reads and writes."""

from __future__ import annotations

from pathlib import Path

import duckdb

from commontable.measures import run_measures
from commontable.warehouse import connect
from tests.measures.tiny_region import TinyRegion

ADDED = ("expected", "oe_ratio", "oe_low", "oe_high", "risk_standardised_rate")


def _older(path: Path) -> None:
    """A warehouse as the version before the claims measures left it, with one old result."""
    with connect(str(path)):
        pass
    con = duckdb.connect(str(path))
    for column in ADDED:
        con.execute(f"ALTER TABLE measure_result DROP COLUMN {column}")
    con.execute("ALTER TABLE measure_patient DROP COLUMN hospital")
    con.execute("INSERT INTO measure_result (measure_id, period) VALUES ('CMS125', 2024)")
    con.close()


def test_columns_added_since_are_read_as_nulls(tmp_path: Path) -> None:
    _older(tmp_path / "warehouse.duckdb")
    with connect(str(tmp_path / "warehouse.duckdb")) as warehouse:
        old = warehouse.table("measure_result").to_pyarrow().to_pylist()
    assert [(r["measure_id"], r["period"], r["oe_ratio"]) for r in old] == [("CMS125", 2024, None)]


def test_a_measure_run_writes_into_an_older_warehouse_and_keeps_its_rows(tmp_path: Path) -> None:
    _older(tmp_path / "warehouse.duckdb")
    with connect(str(tmp_path / "warehouse.duckdb")) as warehouse:
        region = TinyRegion()
        region.person("ann", "1950-01-01")
        region.stay("ann", "2025-03-01", "2025-03-04")
        region.write(warehouse)
        run_measures(warehouse, 2025, ["HWR-30"])
        results = warehouse.table("measure_result")
        periods = set(results.period.to_pyarrow().to_pylist())
        hospitals = warehouse.table("measure_patient").hospital.to_pyarrow().to_pylist()
    assert periods == {2024, 2025}
    assert hospitals == ["ORG-HOSP-L"]
