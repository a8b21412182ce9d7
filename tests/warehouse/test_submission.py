"""A submission is atomic, logged, and idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commontable.errors import InvalidSubmission
from commontable.warehouse import Warehouse, load_submission, submissions_in
from tests.conftest import Write
from tests.warehouse.test_csv_intake import ELIGIBILITY_HEADER, GOOD_SPAN

PATIENTS = "person_id,sex,birth_date\nc1,female,1980-05-06\nc2,male,1975-01-02\n"


def counts(warehouse: Warehouse) -> dict[str, int]:
    names = ("eligibility", "patient", "quarantine", "submission")
    return {n: int(warehouse.table(n).count().execute()) for n in names}


def test_loaded_submission_is_logged_with_files_and_counts(
    warehouse: Warehouse, submission: Write
) -> None:
    folder = submission("eligibility.csv", ELIGIBILITY_HEADER + GOOD_SPAN + "bad,row\n")
    result = load_submission(warehouse, folder, "acme")
    [log] = warehouse.table("submission").to_pyarrow().to_pylist()
    assert (log["submission_id"], log["status"], log["data_source"]) == (1, "loaded", "acme")
    assert (log["rows_read"], log["rows_loaded"], log["rows_quarantined"]) == (2, 1, 1)
    [file] = json.loads(log["files"])
    assert file["name"] == "eligibility.csv"
    assert len(file["sha256"]) == 64
    assert result.summary().startswith("submission 1 from acme: 1 files, 2 rows read, 1 loaded")


def test_resending_identical_content_is_a_no_op(warehouse: Warehouse, submission: Write) -> None:
    folder = submission("eligibility.csv", ELIGIBILITY_HEADER + GOOD_SPAN)
    load_submission(warehouse, folder, "acme")
    before = counts(warehouse)
    again = load_submission(warehouse, folder, "acme")
    assert again.status == "unchanged"
    assert "identical to submission 1" in again.message
    assert counts(warehouse) == before


def test_resending_content_logged_without_file_sizes_is_a_no_op(
    warehouse: Warehouse, submission: Write
) -> None:
    folder = submission("eligibility.csv", ELIGIBILITY_HEADER + GOOD_SPAN)
    load_submission(warehouse, folder, "acme")
    [log] = warehouse.table("submission").to_pyarrow().to_pylist()
    files = [{k: v for k, v in f.items() if k != "bytes"} for f in json.loads(log["files"])]
    warehouse.con.raw_sql(f"UPDATE submission SET files = '{json.dumps(files)}'")
    assert load_submission(warehouse, folder, "acme").status == "unchanged"


def test_changed_content_is_a_new_submission(warehouse: Warehouse, submission: Write) -> None:
    load_submission(
        warehouse, submission("eligibility.csv", ELIGIBILITY_HEADER + GOOD_SPAN), "acme"
    )
    changed = submission("eligibility.csv", ELIGIBILITY_HEADER + GOOD_SPAN.replace("p1", "p9"))
    assert load_submission(warehouse, changed, "acme").submission_id == 2


def test_content_of_another_size_is_loaded_and_logged_with_its_hash(
    warehouse: Warehouse, submission: Write
) -> None:
    load_submission(
        warehouse, submission("eligibility.csv", ELIGIBILITY_HEADER + GOOD_SPAN), "acme"
    )
    longer = GOOD_SPAN + GOOD_SPAN.replace("p1", "p2")
    result = load_submission(
        warehouse, submission("eligibility.csv", ELIGIBILITY_HEADER + longer), "acme"
    )
    assert result.submission_id == 2
    logged = warehouse.table("submission").to_pyarrow().to_pylist()
    first, second = (json.loads(log["files"])[0]["sha256"] for log in logged)
    assert len(second) == 64
    assert second != first


def test_one_bad_file_rejects_the_whole_submission(warehouse: Warehouse, submission: Write) -> None:
    submission("patient.csv", PATIENTS)
    folder = submission("eligibility.csv", "person_id\np1\n")
    with pytest.raises(InvalidSubmission):
        load_submission(warehouse, folder, "acme")
    assert counts(warehouse) == {"eligibility": 0, "patient": 0, "quarantine": 0, "submission": 1}
    [log] = warehouse.table("submission").to_pyarrow().to_pylist()
    assert log["status"] == "rejected"
    assert "missing required column" in log["message"]


def test_a_crash_while_writing_leaves_the_previous_state(
    warehouse: Warehouse, submission: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_submission(warehouse, submission("patient.csv", PATIENTS), "clinic")
    before = counts(warehouse)
    submission("eligibility.csv", ELIGIBILITY_HEADER + GOOD_SPAN)
    folder = submission("patient.csv", PATIENTS.replace("c1", "c3"))
    real_conform = warehouse.conform

    def crash_on_second_table(name: str, expr):  # type: ignore[no-untyped-def]
        if name == "patient":
            raise KeyboardInterrupt("power cut")
        return real_conform(name, expr)

    monkeypatch.setattr(warehouse, "conform", crash_on_second_table)
    with pytest.raises(KeyboardInterrupt):
        load_submission(warehouse, folder, "clinic")
    assert counts(warehouse) == before


def test_a_sources_folder_gives_one_submission_per_member(tmp_path: Path) -> None:
    for member in ("plan-a", "clinic-b"):
        (tmp_path / member).mkdir()
        (tmp_path / member / "patient.csv").write_text(PATIENTS)
    assert [name for name, _ in submissions_in(tmp_path)] == ["clinic-b", "plan-a"]


def test_a_member_folder_is_one_submission(tmp_path: Path) -> None:
    (tmp_path / "patient.csv").write_text(PATIENTS)
    assert submissions_in(tmp_path) == [(tmp_path.name, tmp_path)]


def test_a_warehouse_in_use_is_a_clear_conflict(tmp_path: Path) -> None:
    import subprocess
    import sys

    from commontable.warehouse import connect

    path = tmp_path / "busy.duckdb"
    with connect(str(path)):
        probe = (
            "import sys\nfrom commontable.errors import Conflict\n"
            "from commontable.warehouse import connect\n"
            f"try:\n    connect({str(path)!r})\nexcept Conflict as e:\n"
            "    print(e)\n    sys.exit(7)\n"
        )
        done = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True)
    assert done.returncode == 7
    message = done.stdout.decode()
    assert "busy" in message
    assert str(tmp_path) not in message  # a web page shows it: no paths, no process ids
    assert "PID" not in message
