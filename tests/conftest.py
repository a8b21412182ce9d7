"""Shared fixtures: warehouses on each backend, and small submissions written on the fly."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from commontable.warehouse import Warehouse, connect

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# One audit key for every engine a test session makes (fixtures', the app's, the CLI's), so a
# log written through several of them verifies as one chain.
TEST_AUDIT_KEY = "7e57" * 16
os.environ["COMMONTABLE_AUDIT_KEY"] = TEST_AUDIT_KEY
# Jobs the web queues run inside the request that queued them (no worker process); the tests of
# the worker itself start one with COMMONTABLE_JOBS=worker.
os.environ["COMMONTABLE_JOBS"] = "immediate"


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    """A fresh DuckDB warehouse file."""
    with connect(str(tmp_path / "warehouse.duckdb")) as store:
        yield store


@pytest.fixture(
    params=[
        pytest.param("duckdb", marks=pytest.mark.duckdb),
        pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.xdist_group("spark")]),
    ]
)
def any_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Warehouse]:
    """The same tests on every backend: DuckDB always, Spark where marked."""
    if request.param == "duckdb":
        store = connect(str(tmp_path / "warehouse.duckdb"))
    else:
        store = connect("spark://local[2]", spark_dir=str(tmp_path / "spark"))
    yield store
    if request.param == "duckdb":
        store.close()


Write = Callable[[str, str], Path]


@pytest.fixture
def submission(tmp_path: Path) -> Write:
    """Write a file of a submission folder: submission("eligibility.csv", text) -> its folder."""
    folder = tmp_path / "submission"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        (folder / name).write_text(text)
        return folder

    return write
