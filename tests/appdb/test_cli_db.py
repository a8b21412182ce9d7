"""`commontable db upgrade` creates and migrates the app DB of a workspace."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from commontable.appdb import head_revision
from commontable.cli import app
from tests.app_fixtures import AppDatabase

runner = CliRunner()


def test_db_upgrade_creates_the_workspace_database(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    result = runner.invoke(app, ["db", "upgrade", "-w", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "commontable.db").exists()
    assert f"is at revision {head_revision()} (the latest)" in result.output


def test_db_upgrade_follows_the_app_db_setting(app_db: AppDatabase, tmp_path: Path) -> None:
    env = {"COMMONTABLE_APP_DB": app_db.url}
    result = runner.invoke(app, ["db", "upgrade", "-w", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()}" in result.output
    assert not (tmp_path / "commontable.db").exists()


def test_db_upgrade_of_a_missing_workspace_says_to_create_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "-w", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "commontable init" in str(result.exception)
