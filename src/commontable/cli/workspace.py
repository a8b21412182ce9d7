"""Making a workspace: `commontable init`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.members import db_upgrade
from commontable.cli.shared import console
from commontable.config import init_workspace

commands = typer.Typer()


@commands.command()
def init(directory: Annotated[Path, typer.Argument(help="folder for the new workspace")]) -> None:
    """Create a workspace: a folder with commontable.toml (warehouse and app DB locations) and
    its app DB, created and migrated (an existing one is migrated)."""
    config = init_workspace(directory)
    console.print(f"workspace ready: {config}")
    db_upgrade(directory)
