"""Limits on what one submitted file may hold: a file over any of them is rejected whole, with
the limit named, before it fills the server's memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commontable.config import load_settings
from commontable.errors import InvalidSubmission
from commontable.warehouse import Admission, Warehouse, load_submission
from commontable.warehouse.readers.limits import Limits, limits_of

PATIENTS = "person_id,sex,birth_date\n"


def bomb(path: Path, rows: int = 2_000_000, width: int = 1_000) -> Path:
    """A small Parquet file of one long value repeated: gigabytes once expanded."""
    value = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), ["x" * width])
    pq.write_table(pa.table({"person_id": value}), path, compression="zstd")
    return path


def load(store: Warehouse, path: Path, limits: Limits) -> None:
    load_submission(store, path, "cascade-health-plan", admission=Admission(limits=limits))


def test_a_parquet_bomb_is_rejected_before_it_is_expanded(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = bomb(tmp_path / "patient.parquet")
    assert path.stat().st_size < 1 << 20  # under a megabyte on disk, 2 GB of values
    with pytest.raises(InvalidSubmission, match="intake_max_file_gb"):
        load(warehouse, path, Limits(max_file_gb=0.5))
    assert warehouse.table("patient").count().execute() == 0


def test_a_parquet_bomb_is_rejected_under_a_memory_cap(tmp_path: Path) -> None:
    """Loaded in a process of its own, the bomb is refused with the limit named while that
    process stays far below the 4 GB its values would take."""
    path = bomb(tmp_path / "patient.parquet", rows=4_000_000)
    probe = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from commontable.errors import InvalidSubmission\n"
        "from commontable.warehouse import Admission, connect, load_submission\n"
        "from commontable.warehouse.readers.limits import Limits\n"
        f"with connect({str(tmp_path / 'w.duckdb')!r}) as store:\n"
        "    try:\n"
        f"        load_submission(store, Path({str(path)!r}), 'm', "
        "admission=Admission(limits=Limits(max_file_gb=0.5)))\n"
        "    except InvalidSubmission as error:\n"
        "        print(error)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    message, peak_mib = done.stdout.strip().splitlines()
    assert "intake_max_file_gb" in message
    assert int(peak_mib) < 2048  # the values alone would take 4,000 MiB


def test_a_value_over_the_field_limit_rejects_the_file(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = tmp_path / "patient.csv"
    path.write_text(PATIENTS + f"p1,female,1970-01-01\n{'p' * 200},male,1970-01-01\n")
    with pytest.raises(InvalidSubmission, match=r"person_id has 200 characters.*is 100 \("):
        load(warehouse, path, Limits(max_field_chars=100))


def test_a_long_value_of_a_parquet_dictionary_is_refused_before_it_is_copied(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = bomb(tmp_path / "patient.parquet", rows=1_000, width=50_000)
    with pytest.raises(InvalidSubmission, match="intake_max_field_chars"):
        load(warehouse, path, Limits())


def test_a_file_over_the_row_limit_is_rejected(warehouse: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "patient.csv"
    path.write_text(PATIENTS + "".join(f"p{n},female,1970-01-01\n" for n in range(6)))
    with pytest.raises(InvalidSubmission, match="more than 5 rows"):
        load(warehouse, path, Limits(max_rows=5))


def test_a_file_over_the_size_limit_is_rejected_before_it_is_read(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = tmp_path / "patient.ndjson"
    resource = {"resourceType": "Patient", "id": "p1", "gender": "female"}
    path.write_text(json.dumps(resource) + "\n")
    with pytest.raises(InvalidSubmission, match="patient.ndjson: its data is"):
        load(warehouse, path, Limits(max_file_gb=1e-8))


def test_a_fhir_resource_nested_too_deep_is_quarantined(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    path = tmp_path / "patient.ndjson"
    deep = '{"resourceType":"Patient","id":"p1","extension":' + "[" * 2000 + "]" * 2000 + "}"
    path.write_text(deep + "\n")
    result = load_submission(warehouse, path, "m")
    assert result.rows_quarantined == 1
    reasons = warehouse.table("quarantine").reason.to_pyarrow().to_pylist()
    assert any("depth limit" in reason for reason in reasons)


def test_the_limits_come_from_the_workspace_settings(tmp_path: Path) -> None:
    settings = load_settings(
        tmp_path, intake_max_file_gb=2, intake_max_rows=10, intake_max_field_chars=50
    )
    assert limits_of(settings) == Limits(2, 10, 50)
