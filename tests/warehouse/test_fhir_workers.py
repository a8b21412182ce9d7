"""FHIR files of a large submission parsed by worker processes: the same rows and problems."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from commontable.errors import InvalidSubmission
from commontable.warehouse.readers import fhir
from commontable.warehouse.readers import workers as pool_of_workers
from commontable.warehouse.readers.base import Batch, Reading
from commontable.warehouse.readers.fhir import read_fhir_files

DATA = Path(__file__).parent.parent / "data" / "fhir"
RESOURCES = [orjson.loads(line) for line in (DATA / "region.ndjson").read_bytes().splitlines()]


def _by_type(folder: Path) -> list[Path]:
    """The fixture region as a Bulk Data export: one NDJSON file per resource type, plus a
    resource no table takes and a line that is not JSON."""
    files: dict[str, list[bytes]] = {}
    for resource in RESOURCES:
        files.setdefault(resource["resourceType"], []).append(orjson.dumps(resource))
    files["Observation"][1:1] = [b"{not json", b"[]"]
    files["Observation"].append(b"{not json either")
    files["Provenance"] = [orjson.dumps({"resourceType": "Provenance", "id": "pv"})]
    paths = []
    for kind, lines in files.items():
        path = folder / f"{kind}.ndjson"
        path.write_bytes(b"\n".join(lines) + b"\n")
        paths.append(path)
    return sorted(paths)


def _collected(paths: list[Path], workers: int) -> tuple[dict[Any, list[Any]], list[str]]:
    """Each table's rows per file (in no particular order: pieces arrive as they are read; a
    wide slot no row of a piece fills is not a column of its batch) and the problems."""
    reading = Reading()
    for part in read_fhir_files(paths, workers=workers):
        reading.extend(part)
    batches: dict[Any, list[Any]] = {}
    for batch in reading.batches:
        filled = [{k: v for k, v in row.items() if v is not None} for row in batch.rows.to_pylist()]
        batches.setdefault((batch.table, batch.file_name), []).extend(filled)
    rows = {key: sorted(found, key=repr) for key, found in batches.items()}
    return rows, [repr(p) for p in reading.problems]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _by_type(tmp_path_factory.mktemp("export"))


def test_workers_read_the_same_rows_and_problems_as_one_process(export: list[Path]) -> None:
    alone = _collected(export, workers=1)
    assert _collected(export, workers=2) == alone
    assert alone[1]  # the bad line and the skipped type are reported either way


def test_workers_resolve_coverages_and_medications_across_files(export: list[Path]) -> None:
    batches, _ = _collected(export, workers=2)
    spans = {row["member_id"]: row for row in batches[("eligibility", "Coverage.ndjson")]}
    assert spans["M0001"]["birth_date"] == "1980-01-15"  # from Patient.ndjson
    orders = {r["medication_id"]: r for r in batches[("medication", "MedicationRequest.ndjson")]}
    assert orders["mr2"]["rxnorm_code"] == "197361"  # from a Medication resource


class _BrokenPool:
    """A process pool whose workers died at start (as under a script without a main guard)."""

    def __init__(self, **_: Any) -> None:
        pass

    def __enter__(self) -> _BrokenPool:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def submit(self, *_: object) -> None:
        raise BrokenProcessPool("a child process terminated abruptly")


def test_pieces_are_read_here_when_workers_cannot_start(
    export: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _collected(export, workers=1)
    monkeypatch.setattr(pool_of_workers, "ProcessPoolExecutor", _BrokenPool)
    assert _collected(export, workers=2) == alone


def test_a_file_refused_in_a_worker_refuses_the_submission(tmp_path: Path) -> None:
    good = tmp_path / "Patient.ndjson"
    good.write_bytes(orjson.dumps(RESOURCES[0]) + b"\n")
    cut = tmp_path / "Observation.ndjson"
    cut.write_bytes(b'{"resourceType": "Observation", "id": "o1"')
    with pytest.raises(InvalidSubmission, match="Observation.ndjson: the file ends in the middle"):
        list(read_fhir_files([good, cut], workers=2))


def test_files_cut_in_pieces_give_the_same_rows_and_line_numbers(
    export: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _collected(export, workers=1)
    monkeypatch.setattr(fhir, "PIECE_BYTES", 300)  # every few lines a piece
    assert len(fhir._pieces(next(p for p in export if p.name == "Observation.ndjson"))) > 2
    assert _collected(export, workers=2) == alone


def test_pieces_start_on_line_starts_and_cover_the_file(
    export: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fhir, "PIECE_BYTES", 100)
    path = next(p for p in export if p.name == "Observation.ndjson")
    content = path.read_bytes()
    pieces = fhir._pieces(path)
    assert (pieces[0].start, pieces[-1].end) == (0, None)
    assert all(content[p.start - 1 : p.start] == b"\n" for p in pieces[1:])
    assert [p.end for p in pieces[:-1]] == [p.start for p in pieces[1:]]


def test_a_truncated_last_piece_names_the_line_of_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Patient.ndjson"
    path.write_bytes(b"".join(orjson.dumps(RESOURCES[0]) + b"\n" for _ in range(20)) + b'{"res')
    monkeypatch.setattr(fhir, "PIECE_BYTES", 200)
    with pytest.raises(InvalidSubmission, match="at line 21; it looks truncated"):
        list(read_fhir_files([path], workers=2))


def test_pieces_batches_are_held_until_they_reach_batch_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fhir, "BATCH_ROWS", 3)
    held: dict[tuple[str, str], list[Batch]] = {}

    def piece(rows: int, table: str = "observation") -> Batch:
        return Batch(table, "Observation.ndjson", pa.table({"observation_id": ["o"] * rows}))

    assert fhir._gathered(held, [piece(2), piece(1, "lab_result")]) == []
    [ready] = fhir._gathered(held, [piece(2)])
    assert (ready.table, ready.rows.num_rows) == ("observation", 4)
    assert list(held) == [("Observation.ndjson", "lab_result")]


def test_a_files_rows_are_handed_on_in_batches_of_batch_rows_then_the_rest(
    export: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _collected(export, workers=1)
    monkeypatch.setattr(fhir, "PIECE_BYTES", 300)
    monkeypatch.setattr(fhir, "BATCH_ROWS", 2)
    *early, _last = read_fhir_files(export, workers=2)  # last: rows that needed every file
    sizes: dict[tuple[str, str], list[int]] = {}
    for reading in early:
        for batch in reading.batches:
            sizes.setdefault((batch.file_name, batch.table), []).append(batch.rows.num_rows)
    assert all(size >= 2 for batches in sizes.values() for size in batches[:-1])
    assert sizes[("Immunization.ndjson", "immunization")] == [1]  # once its file is read
    assert _collected(export, workers=2) == alone
