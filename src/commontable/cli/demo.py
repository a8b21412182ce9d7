"""The demo's table: members, people, votes, a Delphi study and an action plan."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import Workspace, console, open_app_db

commands = typer.Typer()


@commands.command("demo-table")
def demo_table(
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="read the sign-in representatives' password from standard input",
        ),
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Seed the demo's collaborative, finished Delphi study, votes and action plan (once)."""
    from commontable.demo_table import seed

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with open_app_db(workspace) as session:
        seeded = seed(session, password)
    console.print(seeded.summary(), markup=False, highlight=False)
    if not password_stdin:
        console.print(f"their password (shown once): {seeded.password}", markup=False)
