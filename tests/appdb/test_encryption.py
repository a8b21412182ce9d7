"""Encryption at rest of the SQLite app DB (SQLCipher): a file that shows nothing without its
key, that the commands open with it and refuse without it, and a plain one encrypted in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from commontable.cli import app, main

runner = CliRunner()
KEY = {"COMMONTABLE_APP_DB_KEY": "correct horse battery staple 1729"}
ORGANIZATION = "Cascade Health Plan"


def _workspace(tmp_path: Path, env: dict[str, str]) -> Path:
    folder = tmp_path / "workspace"
    assert runner.invoke(app, ["init", str(folder)], env=env).exit_code == 0
    for args in (
        ["db", "upgrade", "-w", str(folder)],
        ["org", "add", ORGANIZATION, "--type", "health_plan", "-w", str(folder)],
    ):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
    return folder


def _org_list(folder: Path, env: dict[str, str]) -> str:
    result = runner.invoke(app, ["org", "list", "-w", str(folder)], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_encrypted_app_db_shows_nothing_without_its_key(tmp_path: Path) -> None:
    folder = _workspace(tmp_path, KEY)
    stored = (folder / "commontable.db").read_bytes()
    assert not stored.startswith(b"SQLite format 3")
    assert ORGANIZATION.encode() not in stored
    assert ORGANIZATION in _org_list(folder, KEY)


def test_an_encrypted_app_db_without_its_key_says_which_setting_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _workspace(tmp_path, KEY)
    monkeypatch.setattr("sys.argv", ["commontable", "org", "list", "-w", str(folder)])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 1
    assert "COMMONTABLE_APP_DB_KEY" in capsys.readouterr().err


def test_db_encrypt_encrypts_a_plain_app_db_keeping_what_it_holds(tmp_path: Path) -> None:
    folder = _workspace(tmp_path, {})
    assert (folder / "commontable.db").read_bytes().startswith(b"SQLite format 3")
    result = runner.invoke(app, ["db", "encrypt", "-w", str(folder)], env=KEY)
    assert result.exit_code == 0, result.output
    stored = (folder / "commontable.db").read_bytes()
    assert ORGANIZATION.encode() not in stored
    assert ORGANIZATION in _org_list(folder, KEY)
    assert (folder / "commontable.db").stat().st_mode & 0o077 == 0
