"""The command line: every command works from a workspace, and user errors read as one message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from commontable.cli import app
from commontable.warehouse.contracts import CONTRACTS
from tests.warehouse.test_csv_intake import ELIGIBILITY_HEADER, GOOD_SPAN

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    result = runner.invoke(app, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def member_folder(tmp_path: Path, rows: str = GOOD_SPAN) -> Path:
    folder = tmp_path / "sources" / "acme"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eligibility.csv").write_text(ELIGIBILITY_HEADER + rows)
    return folder


def test_init_writes_a_config_with_both_stores(workspace: Path) -> None:
    config = (workspace / "commontable.toml").read_text()
    assert 'warehouse = "warehouse.duckdb"' in config
    assert 'app_db = "commontable.db"' in config


def test_load_prints_one_summary_line_per_submission(workspace: Path, tmp_path: Path) -> None:
    folder = member_folder(tmp_path, GOOD_SPAN + "broken\n")
    result = runner.invoke(app, ["load", str(folder.parent), "-w", str(workspace)])
    assert result.exit_code == 0, result.output
    assert "submission 1 from acme: 1 files, 2 rows read, 1 loaded, 1 quarantined" in result.output
    assert (workspace / "warehouse.duckdb").exists()


def test_load_of_a_rejected_file_exits_non_zero(workspace: Path, tmp_path: Path) -> None:
    folder = member_folder(tmp_path)
    (folder / "eligibility.csv").write_text("person_id\np1\n")
    result = runner.invoke(app, ["load", str(folder), "--source", "acme", "-w", str(workspace)])
    assert result.exit_code == 1
    assert "missing required column" in result.output


def test_submissions_lists_the_log(workspace: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["load", str(member_folder(tmp_path)), "-w", str(workspace)])
    result = runner.invoke(app, ["submissions", "-w", str(workspace)])
    assert result.exit_code == 0
    assert "acme" in result.output
    assert "loaded" in result.output


def test_quarantine_shows_reasons_and_exports_csv(workspace: Path, tmp_path: Path) -> None:
    folder = member_folder(tmp_path, GOOD_SPAN.replace("1970-02-03", "1970-02-30"))
    runner.invoke(app, ["load", str(folder), "-w", str(workspace)])
    out = tmp_path / "rejected.csv"
    args = ["quarantine", "--submission", "1", "--out", str(out), "-w", str(workspace)]
    result = runner.invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "not a real calendar date" in result.output
    assert "1970-02-30" in out.read_text()


def test_templates_have_the_contract_header(tmp_path: Path) -> None:
    result = runner.invoke(app, ["templates", str(tmp_path / "templates")])
    assert result.exit_code == 0
    header = (tmp_path / "templates" / "medical_claim.csv").read_text().strip().split(",")
    assert header == [c.name for c in CONTRACTS["medical_claim"].submitted_columns]


def test_committed_data_dictionary_is_up_to_date() -> None:
    from commontable.warehouse.dictionary import data_dictionary

    committed = Path(__file__).parents[1] / "docs" / "data-dictionary.md"
    assert committed.read_text() == data_dictionary(), "run `make docs` and commit the result"


def test_user_error_prints_a_message_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "commontable.toml").write_text('warehouse = "postgres://nowhere"\n')
    command = [sys.executable, "-c", "from commontable.cli import main; main()"]
    done = subprocess.run(
        [*command, "submissions", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "error:" in done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["commontable.toml"]  # nothing made


def test_environment_variable_overrides_the_config(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMONTABLE_WAREHOUSE", str(tmp_path / "elsewhere.duckdb"))
    runner.invoke(app, ["load", str(member_folder(tmp_path)), "-w", str(workspace)])
    assert (tmp_path / "elsewhere.duckdb").exists()


@pytest.mark.spark
@pytest.mark.xdist_group("spark")
def test_load_runs_on_spark_when_asked(workspace: Path, tmp_path: Path) -> None:
    spark = ["--warehouse", "spark://local[2]", "-w", str(workspace)]
    result = runner.invoke(app, ["load", str(member_folder(tmp_path)), *spark])
    assert result.exit_code == 0, result.output
    assert "1 loaded" in result.output
    assert (workspace / "spark-warehouse" / "eligibility").is_dir()
    listed = runner.invoke(app, ["submissions", *spark])
    assert "acme" in listed.output
