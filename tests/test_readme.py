"""The README documents every command and every setting (docs checked against code)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.models import CommandInfo

from commontable.cli import app
from commontable.config import Settings

README = (Path(__file__).parents[1] / "README.md").read_text()


def every_command(typer_app: typer.Typer = app, prefix: str = "") -> list[str]:
    """Every command of the Typer app as typed (`GROUP COMMAND` for a group's); each part's
    commands are mounted without a name, so they are found under the app itself."""

    def name(command: CommandInfo) -> str:
        assert command.callback is not None
        return command.name or command.callback.__name__.replace("_", "-")

    found = [f"{prefix}{name(command)}" for command in typer_app.registered_commands]
    for group in typer_app.registered_groups:
        assert group.typer_instance is not None
        inner = f"{prefix}{group.name} " if group.name else prefix
        found += every_command(group.typer_instance, inner)
    return found


@pytest.mark.parametrize("command", every_command())
def test_every_command_has_a_readme_section(command: str) -> None:
    assert f"### `commontable {command}" in README


@pytest.mark.parametrize("setting", [s for s in Settings.model_fields if s != "workspace"])
def test_every_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in README


def test_quick_start_is_make_demo_and_make_test() -> None:
    assert "make demo" in README
    assert "make test" in README
