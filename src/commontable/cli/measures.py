"""Measures: run them for a period, export them, check them against the official eCQM
tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from commontable.cli.shared import (
    WarehouseUrl,
    Workspace,
    app_db_if_any,
    console,
    open_warehouse,
    progress_bar,
    settings_of,
)
from commontable.errors import UserError

if TYPE_CHECKING:
    from commontable.measures import Measure

commands = typer.Typer()


measure_app = typer.Typer(help="Quality and utilization measures.", no_args_is_help=True)
commands.add_typer(measure_app, name="measure")


def _rate(row: dict[str, object], measure: Measure) -> tuple[str, str]:
    """A result's rate and 95% interval as printed: a percentage (with the risk-standardised
    rate of an adjusted measure), per 1,000 or 100,000 member-years, or dollars PMPM."""
    rate, low, high = row["rate"], row["ci_low"], row["ci_high"]
    if not isinstance(rate, float) or not isinstance(low, float) or not isinstance(high, float):
        return "-", "-"
    if measure.is_rate:
        return f"{rate:,.1f} per {measure.per:,}", f"{low:,.1f}-{high:,.1f}"
    if measure.is_cost:
        return f"${rate:,.2f} PMPM", f"${low:,.2f}-{high:,.2f}"
    standardised = row.get("risk_standardised_rate")
    if isinstance(standardised, float) and standardised == standardised:
        return f"{rate:.1%} (RSR {standardised:.1%})", f"{low:.1%}-{high:.1%}"
    return f"{rate:.1%}", f"{low:.1%}-{high:.1%}"


@measure_app.command("run")
def measure_run(
    period: Annotated[int, typer.Option(help="measurement year, e.g. 2025")],
    measure: Annotated[
        list[str] | None,
        typer.Option(help="measure id, repeatable (default: every measure of the library)"),
    ] = None,
    min_denominator: Annotated[
        int, typer.Option(min=1, help="below this denominator a result is reported as too few")
    ] = 30,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Compute measures for a period: writes measure_patient and measure_result, and the care
    teams' open care gaps."""
    from commontable.care import copy_notices, refresh_gaps
    from commontable.measures import run_measures

    settings = settings_of(workspace, warehouse)
    with open_warehouse(settings, changes_reading=True) as store, progress_bar() as bar:
        task = bar.add_task("measures", total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        report("copying the care teams' notifications", 0, 1)
        with app_db_if_any(settings) as engine:
            if engine is not None:
                copy_notices(engine, store)
        run = run_measures(store, period, measure, min_denominator=min_denominator, progress=report)
        report("care gaps", 0, 1)
        gaps = refresh_gaps(store)
    kinds = {m.id: m for m in run.measures}
    table = Table(title=f"Whole collaborative, {run.period}")
    for column in ("measure", "title", "denominator", "numerator", "rate", "95% CI", "status"):
        table.add_column(
            column, justify="right" if column in ("denominator", "numerator") else "left"
        )
    for row in run.collaborative:
        definition = kinds[str(row["measure_id"])]
        rate, interval = _rate(row, definition)
        table.add_row(
            definition.id,
            definition.title,
            f"{row['denominator']:,}",
            f"{row['numerator']:,}",
            rate,
            interval,
            str(row["status"]),
        )
    console.print(table)
    console.print(run.summary())
    console.print(f"care gaps: {gaps:,} open")


@measure_app.command("export")
def measure_export(
    period: Annotated[int, typer.Option(help="measurement year, e.g. 2025")],
    out: Annotated[Path, typer.Option(help="folder for the NDJSON files")],
    format_: Annotated[
        str, typer.Option("--format", help="fhir: FHIR R4 MeasureReports (the only format)")
    ] = "fhir",
    measure: Annotated[
        list[str] | None, typer.Option(help="measure id, repeatable (default: every measure)")
    ] = None,
    individual: Annotated[
        bool,
        typer.Option(help="also one individual MeasureReport per patient (patient-level data)"),
    ] = False,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Export a period's results as FHIR R4 MeasureReports: summary (per measure and entity,
    stratified) and, with --individual, per patient."""
    from commontable.measures import export_fhir

    if format_ != "fhir":
        raise UserError(f"--format {format_}: the only export format is fhir")
    with open_warehouse(settings_of(workspace, warehouse)) as store:
        done = export_fhir(store, period, out, measure, individual=individual)
    console.print(done.summary())


@measure_app.command("check-ecqm")
def measure_check_ecqm(
    folder: Annotated[
        Path, typer.Argument(help="test decks: DIR/<MeasureName>/<patient-id>/*.json")
    ],
    measure: Annotated[
        list[str] | None,
        typer.Option(help="deck name or measure id, repeatable (default: every deck)"),
    ] = None,
) -> None:
    """Run the measures on the official eCQM test decks; exit 1 when a test case fails."""
    from commontable.measures import check_ecqm

    with progress_bar() as bar:
        bar.add_task("checking eCQM test decks", total=None)
        check = check_ecqm(folder, measure)
    for line in check.lines():
        console.print(line, markup=False, highlight=False)
    if not check.ok:
        raise typer.Exit(code=1)
