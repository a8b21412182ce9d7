"""The synthetic region: `commontable synth`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commontable.cli.shared import Workspace, console, progress_bar
from commontable.errors import UserError

commands = typer.Typer()


@commands.command()
def synth(
    out: Annotated[
        Path | None, typer.Option(help="folder for the region (default: WORKSPACE/region)")
    ] = None,
    people: Annotated[int, typer.Option(min=100, help="number of people")] = 20_000,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 7,
    years: Annotated[str, typer.Option(help="calendar years, e.g. 2023-2025")] = "2023-2025",
    workspace: Workspace = Path("."),
) -> None:
    """Generate a synthetic region: members' source files and the ground truth."""
    from commontable.synth import generate_region

    out = out or workspace / "region"
    first, _, last = years.partition("-")
    try:
        span = (int(first), int(last or first))
    except ValueError as error:
        raise UserError(f"--years '{years}' should look like 2023-2025") from error
    with progress_bar() as bar:
        task = bar.add_task("synth", total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        summary = generate_region(people=people, seed=seed, out=out, years=span, progress=report)
    rows = sum(summary.files.values())
    console.print(
        f"synth: {summary.people:,} people, {summary.organizations} organizations, "
        f"{len(summary.files)} files, {rows:,} rows in {summary.seconds:.1f} s -> {out}"
    )
