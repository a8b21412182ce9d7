"""The web app's options: the workspace's [web] table, overridden by COMMONTABLE_WEB_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from commontable.config import CONFIG_FILE, init_workspace, load_settings
from commontable.errors import ConfigError
from commontable.web.options import web_options


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    init_workspace(tmp_path)
    return tmp_path


def with_web_table(workspace: Path, table: str) -> None:
    config = workspace / CONFIG_FILE
    config.write_text(config.read_text() + "\n[web]\n" + table)


def test_options_come_from_the_workspaces_web_table(workspace: Path) -> None:
    with_web_table(workspace, "session_hours = 8\nmax_upload_mb = 50\n")
    options = web_options(load_settings(workspace))
    assert (options.session_hours, options.max_upload_mb) == (8, 50)


def test_a_workspace_without_a_web_table_has_the_defaults(workspace: Path) -> None:
    options = web_options(load_settings(workspace))
    assert (options.session_hours, options.cookie_name) == (12, "commontable_session")


def test_an_environment_variable_overrides_the_web_table(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_web_table(workspace, "session_hours = 8\n")
    monkeypatch.setenv("COMMONTABLE_WEB_SESSION_HOURS", "2")
    assert web_options(load_settings(workspace)).session_hours == 2


def test_a_web_table_leaves_the_workspace_settings_readable(workspace: Path) -> None:
    with_web_table(workspace, "session_hours = 8\n")
    assert load_settings(workspace).warehouse == "warehouse.duckdb"


@pytest.mark.parametrize("table", ["session_hours = -1\n", "unknown_option = 1\n"])
def test_a_bad_web_option_is_a_config_error_naming_the_file(workspace: Path, table: str) -> None:
    with_web_table(workspace, table)
    with pytest.raises(ConfigError, match=r"commontable\.toml \[web\]"):
        web_options(load_settings(workspace))


def test_a_web_value_instead_of_a_table_is_a_config_error(workspace: Path) -> None:
    config = workspace / CONFIG_FILE
    config.write_text('web = "on"\n' + config.read_text())
    with pytest.raises(ConfigError, match="must be a table"):
        web_options(load_settings(workspace))
