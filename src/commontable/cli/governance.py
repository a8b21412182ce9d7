"""Governance: Delphi consensus studies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import errors
from commontable.errors import UserError

commands = typer.Typer()


delphi_app = typer.Typer(help="Delphi consensus studies.", no_args_is_help=True)
commands.add_typer(delphi_app, name="delphi")
DELPHI_FORMATS = ("csv", "json")


@delphi_app.command("analyze")
def delphi_analyze(
    ratings: Annotated[
        Path, typer.Argument(help="CSV with the columns round, panelist, group, item, rating")
    ],
    rule: Annotated[
        str, typer.Option(help="consensus rule: cos (core outcome set) or rand (RAND/UCLA)")
    ] = "cos",
    format_: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    by_group: Annotated[
        bool, typer.Option("--by-group", help="also per stakeholder group")
    ] = False,
    max_rounds: Annotated[
        int, typer.Option(min=1, max=10, help="rounds planned (for the stopping rule)")
    ] = 3,
) -> None:
    """Analyse Delphi ratings from a CSV file: statistics and verdict per item and round.

    Prints n, median, Q1, Q3, % rating 7-9 and 1-3, P30, P70, IPR, IPRAS, disagreement, the
    verdict and the stability since the round before; with --format csv, attrition per round
    and the stopping rule go to standard error.
    """
    from commontable.governance import (
        analyse,
        as_csv,
        as_json,
        read_ratings,
        rule_named,
        summary_lines,
    )

    try:
        if format_ not in DELPHI_FORMATS:
            raise UserError(f"--format '{format_}' is not one of: {', '.join(DELPHI_FORMATS)}")
        chosen = rule_named(rule)
        analysis = analyse(read_ratings(ratings), chosen, by_group=by_group, max_rounds=max_rounds)
    except UserError as error:
        errors.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        raise typer.Exit(code=1) from None
    if format_ == "json":
        typer.echo(as_json(analysis, by_group=by_group))
        return
    typer.echo(as_csv(analysis, by_group=by_group), nl=False)
    for line in summary_lines(analysis):
        errors.print(line, markup=False, highlight=False)
