"""Planted errors: realistic bad rows that intake quarantines, and nothing else; no stray bytes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from commontable.synth.noise import _typos

CONTROL = re.compile(rb"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")  # all but \n and \r (HL7 segments)


def test_typos_only_write_letters() -> None:
    names = pa.array(["L", "Li", "Xu", "Ann", "Lee", "O'Neil", "Maximilian"] * 2_000)
    edited = _typos(np.random.default_rng(1), names, 1.0).to_pylist()
    assert sum(a != b for a, b in zip(edited, names.to_pylist(), strict=True)) > 10_000
    for before, after in zip(names.to_pylist(), edited, strict=True):
        assert after[:1] == before[:1]
        assert all(c.isalpha() or c in before for c in after), (before, after)
        assert after.isprintable()


def test_no_file_holds_a_control_character(messy: Path) -> None:
    scanned = 0
    for path in sorted(messy.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            for name in table.column_names:
                column = table.column(name)
                if pa.types.is_string(column.type):
                    found = pc.match_substring_regex(column, r"[\x00-\x1f\x7f]")
                    assert not pc.any(found).as_py(), (path, name)
        else:
            match = CONTROL.search(path.read_bytes())
            assert match is None, (path, match)
        scanned += 1
    assert scanned > 60


def test_errors_are_a_small_share_of_rows(messy: Path) -> None:
    planted = pq.read_table(messy / "truth" / "planted_errors.parquet")
    rows = pq.read_table(messy / "truth" / "source_person.parquet").num_rows
    assert planted.num_rows > 40
    kinds = set(planted.column("error").to_pylist())
    assert {"impossible date", "date as MM/DD/YYYY", "duplicated row"} <= kinds
    assert "broken PID segment" in kinds
    sources = {p.parent.name for p in (messy / "sources").rglob("*") if p.is_file()}
    assert set(planted.column("data_source").to_pylist()) < sources
    assert rows > 0


@pytest.mark.slow
def test_intake_quarantines_exactly_the_planted_errors(messy: Path) -> None:
    from commontable.warehouse import connect, load_submission, submissions_in

    warehouse = connect(":memory:")
    read = 0
    for name, folder in submissions_in(messy / "sources"):
        read += load_submission(warehouse, folder, name).rows_read
    quarantine = warehouse.table("quarantine").execute()
    caught = set(zip(quarantine.data_source, quarantine.file_name, quarantine.row_ref, strict=True))
    planted = pq.read_table(messy / "truth" / "planted_errors.parquet").to_pylist()
    expected = {(e["data_source"], e["file_name"], e["row_ref"]) for e in planted}
    assert caught == expected
    assert 0.0005 < len(expected) / read < 0.002
