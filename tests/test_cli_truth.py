"""A command line that tells the truth: a command that finds nothing to do says so and exits
non-zero, nothing but `init` makes a workspace, and `init` makes the app DB too."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from commontable.appdb import create_engine, current_revision, head_revision
from commontable.cli import app

runner = CliRunner()


def test_init_makes_the_app_db_at_the_latest_revision(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    engine = create_engine(str(tmp_path / "ws" / "commontable.db"))
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_reading_outside_a_workspace_says_so_and_creates_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["submissions", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "no workspace at" in str(result.exception)
    assert list(tmp_path.iterdir()) == []


def test_the_quarantine_of_a_submission_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "patient.csv").write_text("person_id,sex,birth_date\nr1,female,1980-01-01\n")
    assert runner.invoke(app, ["load", str(folder), "-w", str(tmp_path)]).exit_code == 0
    result = runner.invoke(app, ["quarantine", "--submission", "999", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "no submission 999" in str(result.exception)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["submissions"], "no submissions yet"),
        (["review", "list"], "no pairs waiting for review yet"),
        (["org", "list"], "no organizations yet"),
    ],
)
def test_a_list_with_nothing_in_it_says_so_and_how_to_add_some(
    tmp_path: Path, command: list[str], said: str
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    result = runner.invoke(app, [*command, "-w", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(said)
    assert "`commontable" in result.output
    assert not (tmp_path / "warehouse.duckdb").exists()  # the first load makes it
