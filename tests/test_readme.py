"""The README documents every command and every setting (docs checked against code)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.models import CommandInfo

from commontable.cli import app
from commontable.config import Settings

README = (Path(__file__).parents[1] / "README.md").read_text()


def _commands() -> list[str]:
    """Every command of the Typer app, sub-commands as `GROUP COMMAND`, as typed."""

    def name(command: CommandInfo) -> str:
        assert command.callback is not None
        return command.name or command.callback.__name__.replace("_", "-")

    top = [name(command) for command in app.registered_commands]
    grouped = [
        f"{group.name} {name(command)}"
        for group in app.registered_groups
        if group.typer_instance is not None
        for command in group.typer_instance.registered_commands
    ]
    return top + grouped


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_a_readme_section(command: str) -> None:
    assert f"### `commontable {command}" in README


@pytest.mark.parametrize("setting", [s for s in Settings.model_fields if s != "workspace"])
def test_every_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in README


def test_quick_start_is_make_demo_and_make_test() -> None:
    assert "make demo" in README
    assert "make test" in README
