"""The `commontable` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from commontable.config import Settings, init_workspace, load_settings
from commontable.errors import InvalidSubmission, UserError

if TYPE_CHECKING:
    from commontable.warehouse import Warehouse

app = typer.Typer(
    help="CommonTable: the open platform for regional health care collaboratives.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Lines are never wrapped (logs and pipes keep one line per event); tables get room when piped.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(soft_wrap=True, width=_WIDTH)
errors = Console(stderr=True, soft_wrap=True)

Workspace = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="workspace folder (holds commontable.toml)"),
]
WarehouseUrl = Annotated[
    str | None,
    typer.Option("--warehouse", help="override the warehouse: a DuckDB file or spark://local[2]"),
]


def _settings(workspace: Path, warehouse: str | None = None) -> Settings:
    return load_settings(workspace, warehouse=warehouse)


@contextmanager
def _warehouse(settings: Settings) -> Iterator[Warehouse]:
    from commontable.warehouse import connect

    with connect(
        settings.warehouse_url, spark_dir=settings.resolve(settings.spark_warehouse_dir)
    ) as warehouse:
        yield warehouse


@contextmanager
def _progress() -> Iterator[Progress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        yield bar


@app.command()
def init(directory: Annotated[Path, typer.Argument(help="folder for the new workspace")]) -> None:
    """Create a workspace: a folder with commontable.toml (warehouse and app DB locations)."""
    config = init_workspace(directory)
    console.print(f"workspace ready: {config}")


@app.command()
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
    with _progress() as bar:
        task = bar.add_task("synth", total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        summary = generate_region(people=people, seed=seed, out=out, years=span, progress=report)
    rows = sum(summary.files.values())
    console.print(
        f"synth: {summary.people:,} people, {summary.organizations} organizations, "
        f"{len(summary.files)} files, {rows:,} rows in {summary.seconds:.1f} s -> {out}"
    )


@app.command()
def load(
    path: Annotated[Path, typer.Argument(help="a file, a member's folder, or a folder of members")],
    source: Annotated[
        str | None, typer.Option(help="submitting member (default: the folder's name)")
    ] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Load submissions: validate every row, quarantine bad ones, commit all or nothing."""
    from commontable.warehouse import load_submission, submissions_in

    jobs = [(source, path)] if source else submissions_in(path)
    rejected = 0
    with _warehouse(_settings(workspace, warehouse)) as store, _progress() as bar:
        overall = bar.add_task("submissions", total=len(jobs))
        for name, folder in jobs:
            step = bar.add_task(f"{name}: reading", total=None)

            def report(
                what: str, done: int, total: int, step: TaskID = step, name: str = name
            ) -> None:
                bar.update(step, description=f"{name}: {what}", completed=done, total=total or None)

            try:
                result = load_submission(store, folder, name, progress=report)
                console.print(result.summary())
            except InvalidSubmission as error:
                rejected += 1
                errors.print(f"[red]{name}: rejected, nothing loaded.[/red] {error}")
            bar.remove_task(step)
            bar.advance(overall)
    if rejected:
        raise typer.Exit(code=1)


@app.command()
def submissions(workspace: Workspace = Path("."), warehouse: WarehouseUrl = None) -> None:
    """List the submission log: who sent what, and what was loaded or quarantined."""
    with _warehouse(_settings(workspace, warehouse)) as store:
        log = store.table("submission").order_by("submission_id").to_pyarrow().to_pylist()
    table = Table(title="Submissions")
    numeric = {"id", "files", "read", "loaded", "quarantined", "s"}
    for column in ("id", "source", "status", "files", "read", "loaded", "quarantined", "s", "when"):
        table.add_column(column, justify="right" if column in numeric else "left")
    for row in log:
        table.add_row(
            str(row["submission_id"]),
            row["data_source"],
            row["status"] if row["status"] == "loaded" else f"[red]{row['status']}[/red]",
            str(len(json.loads(row["files"]))),
            f"{row['rows_read']:,}",
            f"{row['rows_loaded']:,}",
            f"{row['rows_quarantined']:,}",
            f"{row['seconds']:.1f}",
            f"{row['started_at']:%Y-%m-%d %H:%M}",
        )
        if row["message"]:
            table.add_row("", f"[dim]{row['message']}[/dim]", *[""] * 7)
    console.print(table)


@app.command()
def quarantine(
    submission: Annotated[int, typer.Option(help="submission id (see `commontable submissions`)")],
    limit: Annotated[int, typer.Option(help="rows to show")] = 50,
    out: Annotated[Path | None, typer.Option(help="write every rejected value to this CSV")] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Show the rows a submission quarantined: row, column, value and the reason."""
    import ibis
    import pyarrow.csv as pacsv

    with _warehouse(_settings(workspace, warehouse)) as store:
        q = store.table("quarantine")
        mine = q.filter(q.submission_id == submission)
        by_reason = (
            mine.group_by(["table_name", "column_name", "reason"])
            .agg(rows=mine.count())
            .order_by([ibis.desc("rows"), "table_name", "column_name"])
            .to_pyarrow()
            .to_pylist()
        )
        in_file_order = ["file_name", mine.row_ref.length(), "row_ref"]  # "row 9" before "row 10"
        rows = mine.order_by(in_file_order).limit(limit).to_pyarrow().to_pylist()
        if out is not None:
            pacsv.write_csv(mine.drop("submission_id").to_pyarrow(), out)
    summary = Table(title=f"Submission {submission}: quarantined values by reason")
    for column in ("table", "column", "reason", "rows"):
        summary.add_column(column)
    for row in by_reason:
        summary.add_row(row["table_name"], row["column_name"], row["reason"], f"{row['rows']:,}")
    console.print(summary)
    detail = Table(title=f"First {len(rows)} rejected values")
    for column in ("file", "row", "column", "value", "reason"):
        detail.add_column(column)
    for row in rows:
        value = (
            row["value"]
            if row["value"] is None or len(row["value"]) < 60
            else row["value"][:57] + "..."
        )
        detail.add_row(row["file_name"], row["row_ref"], row["column_name"], value, row["reason"])
    console.print(detail)
    if out is not None:
        console.print(f"all rejected values written to {out}")


@app.command()
def templates(
    out: Annotated[
        Path | None, typer.Argument(help="folder for the templates (default: WORKSPACE/templates)")
    ] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Write one header-only CSV template per table for submitters."""
    from commontable.warehouse.dictionary import write_templates

    out = out or workspace / "templates"
    written = write_templates(out)
    console.print(f"{len(written)} templates written to {out}")


@app.command()
def dictionary(
    out: Annotated[Path, typer.Option(help="Markdown file to write")] = Path(
        "docs/data-dictionary.md"
    ),
) -> None:
    """Write the data dictionary (Markdown) generated from the table contracts."""
    from commontable.warehouse.dictionary import data_dictionary

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary())
    console.print(f"data dictionary written to {out}")


@app.command()
def link(
    a: Annotated[Path, typer.Argument(help="person file (CSV) to dedupe, or the first to link")],
    id_column: Annotated[str, typer.Option(help="column with each record's id")],
    map_: Annotated[
        str,
        typer.Option(
            "--map",
            help="SOURCE_COL=FIELD,... (fields: first_name, last_name, birth_date, sex, "
            "address, address_2, city, state, zip, phone, ssn); columns mapped to one "
            "field are joined with a space",
        ),
    ],
    out: Annotated[Path, typer.Option(help="CSV to write: record_id, source, person_id, ...")],
    b: Annotated[Path | None, typer.Argument(help="second person file to link with A")] = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="match probability that joins two records")
    ] = 0.9,
    truth: Annotated[
        str | None,
        typer.Option(
            help="regex whose first group in record_id names the true person (FEBRL: "
            "'rec-(\\d+)-'); prints pairwise precision, recall and F1"
        ),
    ] = None,
) -> None:
    """Match people: dedupe one person file or link two (Splink on DuckDB) into person_ids."""
    import time

    import pyarrow.csv as pacsv

    from commontable.identity import link_files, parse_mapping, score, truth_from_ids

    started = time.perf_counter()
    clusters = link_files(a, b, id_column, parse_mapping(map_), threshold)
    out.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(clusters, out)
    people = len(clusters["person_id"].unique())
    console.print(
        f"link: {clusters.num_rows:,} records, {people:,} people in "
        f"{time.perf_counter() - started:.1f} s -> {out}"
    )
    if truth is not None:
        console.print(f"link: {score(clusters, truth_from_ids(clusters, truth)).summary()}")


def main() -> None:
    """Entry point: user errors print as one message and a non-zero exit, without a traceback."""
    try:
        app()
    except UserError as error:
        errors.print(f"[red]error:[/red] {error}")
        sys.exit(1)
