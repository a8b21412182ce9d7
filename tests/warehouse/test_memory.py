"""Intake's Arrow buffers come from a pool that reuses freed pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from commontable.warehouse import Warehouse, load_submission
from commontable.warehouse.readers.memory import reuse_freed_memory, reusing_freed_memory


@pytest.fixture
def arrow_default_pool() -> Iterator[None]:
    """Arrow's pool as a fresh process has it on Linux (mimalloc), restored afterwards."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    yield
    pa.set_memory_pool(before)


def test_intake_allocates_arrow_memory_from_jemalloc(
    warehouse: Warehouse, tmp_path: Path, arrow_default_pool: None
) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    (folder / "patient.csv").write_text("person_id,sex,birth_date\np1,female,1970-02-03\n")
    load_submission(warehouse, folder, "clinic")
    assert pa.default_memory_pool().backend_name == "jemalloc"


def test_a_pyarrow_without_jemalloc_keeps_its_pool(
    monkeypatch: pytest.MonkeyPatch, arrow_default_pool: None
) -> None:
    def missing() -> pa.MemoryPool:
        raise NotImplementedError("This Arrow C++ build does not include jemalloc")

    monkeypatch.setattr(pa, "jemalloc_memory_pool", missing)
    reuse_freed_memory()
    assert pa.default_memory_pool().backend_name == "mimalloc"


def test_the_pages_jemalloc_keeps_are_handed_back_when_the_work_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handed_back: list[bool] = []

    class Pool:
        backend_name = "jemalloc"

        def release_unused(self) -> None:
            handed_back.append(True)

    monkeypatch.setattr(pa, "default_memory_pool", Pool)
    with reusing_freed_memory():
        assert not handed_back
    assert handed_back == [True]
