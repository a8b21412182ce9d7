"""The README documents every command and every setting (docs checked against code)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commontable.cli import app
from commontable.config import Settings

README = (Path(__file__).parents[1] / "README.md").read_text()


@pytest.mark.parametrize(
    "command", [c.name or c.callback.__name__ for c in app.registered_commands]
)  # type: ignore[union-attr]
def test_every_command_has_a_readme_section(command: str) -> None:
    assert f"### `commontable {command}" in README


@pytest.mark.parametrize("setting", [s for s in Settings.model_fields if s != "workspace"])
def test_every_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in README


def test_quick_start_is_make_demo_and_make_test() -> None:
    assert "make demo" in README
    assert "make test" in README
