"""The `commontable` command line: one Typer app with each part's commands mounted on it, as
the web app mounts each part's routes."""

from __future__ import annotations

import sys

import typer

from commontable.cli import (
    audit,
    care,
    demo,
    governance,
    identity,
    measures,
    members,
    plans,
    publishing,
    reports,
    synth,
    warehouse,
    web,
    workspace,
)
from commontable.cli.members import ORGANIZATION_TYPES, ROLES
from commontable.cli.shared import errors
from commontable.errors import UserError

__all__ = ["ORGANIZATION_TYPES", "ROLES", "app", "main"]

app = typer.Typer(
    help="CommonTable: the open platform for regional health care collaboratives.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="markdown",  # docstrings' lines reflow; `code` shows as code
)
for part in (
    workspace,
    synth,
    warehouse,
    identity,
    members,
    measures,
    publishing,
    demo,
    reports,
    governance,
    plans,
    care,
    web,
    audit,
):
    app.add_typer(part.commands)


def main() -> None:
    """Entry point: user errors print as one message and a non-zero exit, without a traceback."""
    try:
        app()
    except UserError as error:
        errors.print(f"[red]error:[/red] {error}")
        sys.exit(1)
