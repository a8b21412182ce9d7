"""The tamper-evident audit log."""

from __future__ import annotations

from pathlib import Path

import typer

from commontable.cli.shared import Workspace, console, errors, open_app_db

commands = typer.Typer()


audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
commands.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(workspace: Workspace = Path(".")) -> None:
    """Recompute the audit log's hash chain; exit 1 at the first altered or deleted entry."""
    from commontable.audit import verify

    with open_app_db(workspace) as session:
        check = verify(session)
    if not check.ok:
        errors.print(f"[red]{check.summary()}[/red]")
        raise typer.Exit(code=1)
    console.print(check.summary())
