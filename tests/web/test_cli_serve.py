"""`commontable serve` starts the web app with uvicorn; its options are documented."""

from __future__ import annotations

from typer.testing import CliRunner

from commontable.cli import app

runner = CliRunner()


def test_serve_help_names_host_port_and_workspace() -> None:
    result = runner.invoke(app, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workspace", "127.0.0.1", "8000"):
        assert option in result.output
