"""Large regions are generated in chunks of people: ids stay unique, output stays reproducible."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from commontable.synth import generate_region, region
from commontable.synth.numbering import chunks
from commontable.warehouse.contracts import CONTRACTS
from commontable.warehouse.readers import table_for


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "planted.json"  # planted.json records seconds taken
    }


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    patch = pytest.MonkeyPatch()
    patch.setattr(region, "CHUNK_PEOPLE", 400)
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    generate_region(people=1_200, seed=5, out=first)
    generate_region(people=1_200, seed=5, out=second)
    patch.undo()
    return first, second


def test_chunks_split_people_evenly() -> None:
    assert chunks(100_000, 50_000) == [(0, 50_000), (50_000, 50_000)]
    assert chunks(120, 50) == [(0, 40), (40, 40), (80, 40)]
    assert chunks(10, 50) == [(0, 10)]


def test_chunked_region_is_reproducible(chunked: tuple[Path, Path]) -> None:
    first, second = chunked
    assert _digest(first) == _digest(second)
    facts = json.loads((first / "truth" / "planted.json").read_text())
    assert facts["people"] == 1_200
    assert facts["planted_people"]["twin"] >= 6  # planted in each of the three chunks


def test_ids_are_unique_across_chunks(chunked: tuple[Path, Path]) -> None:
    out = chunked[0]
    people = pq.read_table(out / "truth" / "person.parquet").column("person_key").to_pylist()
    assert len(people) == len(set(people)) == 1_200
    links = pq.read_table(out / "truth" / "source_person.parquet").to_pylist()
    assert len({(x["data_source"], x["source_person_id"]) for x in links}) == len(links)
    planted = pq.read_table(out / "truth" / "planted_errors.parquet").to_pylist()
    bad = {(e["data_source"], e["file_name"], e["row_ref"]) for e in planted}
    checked = 0
    for path in sorted((out / "sources").rglob("*")):
        if path.suffix == ".csv":
            with path.open(newline="") as handle:
                rows = list(csv.DictReader(handle))
        elif path.suffix == ".parquet":
            rows = pq.read_table(path).to_pylist()
        else:
            continue
        key = CONTRACTS[table_for(path)].key
        keys = [
            tuple(row[k] for k in key)
            for number, row in enumerate(rows, start=2)
            if (path.parent.name, path.name, f"row {number}") not in bad
        ]
        assert len(keys) == len(set(keys)), path
        checked += 1
    assert checked >= 30
    hl7 = (out / "sources" / "lakeside-general-hospital" / "adt.hl7").read_bytes().decode()
    control_ids = [m.split("\r", 1)[0].split("|")[9] for m in hl7.split("\n") if m]
    assert len(control_ids) == len(set(control_ids))
    for path in (out / "sources" / "flower-city-medical-group").glob("*.ndjson"):
        ids = [json.loads(line)["id"] for line in path.read_text().splitlines()]
        assert len(ids) == len(set(ids)), path
