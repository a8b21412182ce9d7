"""Members' submissions: load them, list them, see what they quarantined; the CSV templates
and the data dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import TaskID
from rich.table import Table

from commontable.cli.shared import (
    WarehouseUrl,
    Workspace,
    audit_cli,
    console,
    errors,
    open_app_db,
    open_reading,
    open_warehouse,
    progress_bar,
    say_none_yet,
    settings_of,
)
from commontable.config import Settings
from commontable.errors import InvalidSubmission, UserError

if TYPE_CHECKING:
    from commontable.warehouse import Admission, SubmissionResult

commands = typer.Typer()


@commands.command()
def load(
    path: Annotated[Path, typer.Argument(help="a file, a member's folder, or a folder of members")],
    source: Annotated[
        str | None, typer.Option(help="submitting member (default: the folder's name)")
    ] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Load submissions: validate every row, quarantine bad ones, commit all or nothing; a
    member known to the app DB may send only the tables it has authority over."""
    from commontable.warehouse import SubmissionResult, load_submission, submissions_in

    jobs = [(source, path)] if source else submissions_in(path)
    settings = settings_of(workspace, warehouse)
    with open_app_db(settings.workspace):
        pass  # its audit log records the loads: refuse before loading, not after
    admissions = admissions_of(settings, [name for name, _ in jobs])
    rejected = 0
    results: list[SubmissionResult] = []
    with open_warehouse(settings, changes_reading=True) as store, progress_bar() as bar:
        overall = bar.add_task("submissions", total=len(jobs))
        for name, folder in jobs:
            step = bar.add_task(f"{name}: reading", total=None)

            def report(
                what: str, done: int, total: int, step: TaskID = step, name: str = name
            ) -> None:
                bar.update(step, description=f"{name}: {what}", completed=done, total=total or None)

            try:
                result = load_submission(store, folder, name, report, admissions[name])
                console.print(result.summary())
            except InvalidSubmission as error:
                rejected += 1
                errors.print(f"[red]{name}: rejected, nothing loaded.[/red] {error}")
                result = SubmissionResult(None, name, "rejected", message=str(error))
            results.append(result)
            bar.remove_task(step)
            bar.advance(overall)
    audit_loads(settings, results)
    if rejected:
        raise typer.Exit(code=1)


def audit_loads(settings: Settings, results: list[SubmissionResult]) -> None:
    """One audit entry per submission loaded from the command line, as the web's uploads."""
    from commontable.audit import AuditAction
    from commontable.warehouse import upload_outcome, upload_target

    with open_app_db(settings.workspace) as session:
        for result in results:
            files = [str(f["name"]) for f in result.files]
            detail = upload_outcome(result, files)
            del detail["submission_id"]
            audit_cli(session, AuditAction.UPLOAD_SUBMISSION, upload_target(result), **detail)


def admissions_of(settings: Settings, sources: list[str]) -> dict[str, Admission]:
    """What each member known to the app DB may send (members.authority), within the
    workspace's limits. Before the app DB holds the roster (a new workspace's first load), no
    source is known and only the limits apply."""
    from sqlalchemy.orm import Session

    from commontable.appdb import create_engine, current_revision, head_revision, sqlite_file
    from commontable.audit import app_db_key
    from commontable.members import organization_for_data_source, own_payers, refused_tables
    from commontable.warehouse import Admission, limits_of

    limits = limits_of(settings)
    admissions = {name: Admission(limits=limits) for name in sources}
    engine = create_engine(settings.resolve(settings.app_db), key=app_db_key(settings))
    try:
        file = sqlite_file(engine.url)
        if (file is not None and not file.exists()) or current_revision(engine) != head_revision():
            return admissions
        with Session(engine) as session:
            for name in sources:
                member = organization_for_data_source(session, name)
                if member is not None:
                    admissions[name] = Admission(refused_tables(member), limits, own_payers(member))
        return admissions
    finally:
        engine.dispose()


@commands.command()
def submissions(workspace: Workspace = Path("."), warehouse: WarehouseUrl = None) -> None:
    """List the submission log, newest first: who sent what, and what was loaded or
    quarantined (the same log as the web's)."""
    from commontable.warehouse import submission_log

    with open_reading(settings_of(workspace, warehouse)) as store:
        log = submission_log(store)
    if not log:
        say_none_yet("submissions", "`commontable load PATH --source NAME` loads one")
        return
    table = Table(title="Submissions")
    numeric = {"id", "files", "read", "loaded", "quarantined", "s"}
    for column in ("id", "source", "status", "files", "read", "loaded", "quarantined", "s", "when"):
        table.add_column(column, justify="right" if column in numeric else "left")
    for row in log:
        table.add_row(
            str(row.submission_id),
            row.data_source,
            row.status if row.status == "loaded" else f"[red]{row.status}[/red]",
            str(len(row.files)),
            f"{row.rows_read:,}",
            f"{row.rows_loaded:,}",
            f"{row.rows_quarantined:,}",
            f"{row.seconds:.1f}",
            f"{row.started_at:%Y-%m-%d %H:%M}",
        )
        if row.message:
            table.add_row("", f"[dim]{row.message}[/dim]", *[""] * 7)
    console.print(table)


@commands.command()
def quarantine(
    submission: Annotated[int, typer.Option(help="submission id (see `commontable submissions`)")],
    limit: Annotated[int, typer.Option(help="rows to show")] = 50,
    out: Annotated[Path | None, typer.Option(help="write every rejected value to this CSV")] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Show the values a submission quarantined: row, column, value and the reason (the same
    rows, in the same order, as the web's); audited, like every look at patient-level data."""
    from commontable.audit import AuditAction
    from commontable.warehouse import (
        find_submission,
        quarantine_csv,
        quarantine_reasons,
        quarantine_rows,
    )

    settings = settings_of(workspace, warehouse)
    with open_reading(settings) as store:
        if find_submission(store, submission) is None:
            raise UserError(f"no submission {submission}; `commontable submissions` lists them")
        by_reason = quarantine_reasons(store, submission)
        every = quarantine_rows(store, submission) if out is not None else []
        rows = every[:limit] if out is not None else quarantine_rows(store, submission, limit=limit)
    with open_app_db(settings.workspace) as session:
        audit_cli(
            session, AuditAction.VIEW_QUARANTINE, f"submission {submission}", rows_shown=len(rows)
        )
        if out is not None:
            audit_cli(
                session,
                AuditAction.DOWNLOAD_QUARANTINE,
                f"submission {submission}",
                rows=len(every),
            )
    if out is not None:
        out.write_text(quarantine_csv(every), encoding="utf-8")
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


@commands.command()
def templates(
    out: Annotated[
        Path | None, typer.Argument(help="folder for the templates (default: WORKSPACE/templates)")
    ] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Write one header-only CSV template per table for submitters."""
    from commontable.warehouse import write_templates

    out = out or workspace / "templates"
    written = write_templates(out)
    console.print(f"{len(written)} templates written to {out}")


@commands.command()
def dictionary(
    out: Annotated[Path, typer.Option(help="Markdown file to write")] = Path(
        "docs/data-dictionary.md"
    ),
) -> None:
    """Write the data dictionary (Markdown) generated from the table contracts."""
    from commontable.warehouse import data_dictionary

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary())
    console.print(f"data dictionary written to {out}")
