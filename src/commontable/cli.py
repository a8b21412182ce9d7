"""The `commontable` command line."""

from __future__ import annotations

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
    from commontable.measures.definition import Measure
    from commontable.plans import GoalProgress
    from commontable.warehouse import Admission, Warehouse
    from commontable.warehouse.intake import SubmissionResult
    from commontable.warehouse.reading import Tables

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
def _warehouse(settings: Settings, *, changes_reading: bool = False) -> Iterator[Warehouse]:
    """The warehouse in this command's turn: it waits while a job or another command writes.
    A command that changes what pages read (the submission log, quarantine, the review queue)
    writes their reading copy again when it is done."""
    from commontable.warehouse.turns import writing

    def waiting() -> None:
        errors.print("waiting for the warehouse: a job or another command is writing it")

    with writing(settings, refresh=changes_reading, waiting=waiting) as warehouse:
        yield warehouse


@contextmanager
def _reading(settings: Settings) -> Iterator[Tables]:
    """What the warehouse last committed of the submission log, the quarantine and the review
    queue: read at once, even while a job or another command writes the warehouse."""
    from commontable.warehouse.reading import reading

    with reading(settings) as copy:
        yield copy


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
    """Create a workspace: a folder with commontable.toml (warehouse and app DB locations) and
    its app DB, created and migrated (an existing one is migrated)."""
    config = init_workspace(directory)
    console.print(f"workspace ready: {config}")
    db_upgrade(directory)


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
    """Load submissions: validate every row, quarantine bad ones, commit all or nothing; a
    member known to the app DB may send only the tables it has authority over."""
    from commontable.warehouse import load_submission, submissions_in
    from commontable.warehouse.intake import SubmissionResult

    jobs = [(source, path)] if source else submissions_in(path)
    settings = _settings(workspace, warehouse)
    with _app_db(settings.workspace):
        pass  # its audit log records the loads: refuse before loading, not after
    admissions = _admissions(settings, [name for name, _ in jobs])
    rejected = 0
    results: list[SubmissionResult] = []
    with _warehouse(settings, changes_reading=True) as store, _progress() as bar:
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
    _audit_loads(settings, results)
    if rejected:
        raise typer.Exit(code=1)


def _audit_loads(settings: Settings, results: list[SubmissionResult]) -> None:
    """One audit entry per submission loaded from the command line, as the web's uploads."""
    from commontable.privacy import AuditAction

    with _app_db(settings.workspace) as session:
        for result in results:
            _audit_cli(
                session,
                AuditAction.UPLOAD_SUBMISSION,
                f"submission {result.submission_id}" if result.submission_id else "",
                data_source=result.data_source,
                files=[str(f["name"]) for f in result.files],
                status=result.status,
                rows_read=result.rows_read,
                rows_loaded=result.rows_loaded,
                rows_quarantined=result.rows_quarantined,
                message=result.message,
            )


def _admissions(settings: Settings, sources: list[str]) -> dict[str, Admission]:
    """What each member known to the app DB may send (members.authority), within the
    workspace's limits. Before the app DB holds the roster (a new workspace's first load), no
    source is known and only the limits apply."""
    from sqlalchemy.orm import Session

    from commontable.appdb import create_engine, current_revision, head_revision
    from commontable.appdb.engine import sqlite_file
    from commontable.members import organization_for_data_source
    from commontable.members.authority import own_payers, refused_tables
    from commontable.privacy.audit import app_db_key
    from commontable.warehouse import Admission
    from commontable.warehouse.readers.limits import limits_of

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


@app.command()
def submissions(workspace: Workspace = Path("."), warehouse: WarehouseUrl = None) -> None:
    """List the submission log, newest first: who sent what, and what was loaded or
    quarantined (the same log as the web's)."""
    from commontable.warehouse.submissions import submissions as submission_log

    with _reading(_settings(workspace, warehouse)) as store:
        log = submission_log(store)
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


@app.command()
def quarantine(
    submission: Annotated[int, typer.Option(help="submission id (see `commontable submissions`)")],
    limit: Annotated[int, typer.Option(help="rows to show")] = 50,
    out: Annotated[Path | None, typer.Option(help="write every rejected value to this CSV")] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Show the values a submission quarantined: row, column, value and the reason (the same
    rows, in the same order, as the web's); audited, like every look at patient-level data."""
    from commontable.privacy import AuditAction
    from commontable.warehouse.submissions import (
        find_submission,
        quarantine_csv,
        quarantine_reasons,
        quarantine_rows,
    )

    settings = _settings(workspace, warehouse)
    with _reading(settings) as store:
        if find_submission(store, submission) is None:
            raise UserError(f"no submission {submission}; `commontable submissions` lists them")
        by_reason = quarantine_reasons(store, submission)
        rows = quarantine_rows(store, submission, limit=limit)
        every = quarantine_rows(store, submission) if out is not None else []
    with _app_db(settings.workspace) as session:
        _audit_cli(
            session, AuditAction.VIEW_QUARANTINE, f"submission {submission}", rows_shown=len(rows)
        )
        if out is not None:
            _audit_cli(
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

    from commontable.identity import link_files, parse_mapping, score, truth_from_ids
    from commontable.spreadsheets import write_csv

    started = time.perf_counter()
    clusters = link_files(a, b, id_column, parse_mapping(map_), threshold)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(clusters, out)
    people = len(clusters["person_id"].unique())
    console.print(
        f"link: {clusters.num_rows:,} records, {people:,} people in "
        f"{time.perf_counter() - started:.1f} s -> {out}"
    )
    if truth is not None:
        console.print(f"link: {score(clusters, truth_from_ids(clusters, truth)).summary()}")


@app.command()
def match(
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="match probability that joins two records")
    ] = 0.9,
    review_band: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="pairs from here up to the threshold go to review"),
    ] = 0.5,
    retrain: Annotated[
        bool, typer.Option(help="estimate the model again instead of reusing the saved one")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option(help="forget existing person ids and cluster from scratch")
    ] = False,
    evaluate: Annotated[
        Path | None,
        typer.Option(help="a synthetic region folder: score the result against its truth"),
    ] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Link every source's person records into one person_id (deterministic rules, then Splink)."""
    from commontable.identity import score_crosswalk, truth_of_region
    from commontable.identity.match import match as match_people

    settings = _settings(workspace, warehouse)
    truth = truth_of_region(evaluate) if evaluate is not None else None
    with _warehouse(settings, changes_reading=True) as store, _progress() as bar:
        task = bar.add_task("match", total=None)
        result = match_people(
            store,
            settings.identity_model_path,
            threshold=threshold,
            review_low=review_band,
            retrain=retrain,
            rebuild=rebuild,
            progress=lambda step: bar.update(task, description=f"match: {step}"),
        )
        crosswalk = store.table("person_crosswalk").to_pyarrow() if truth is not None else None
    console.print(result.summary())
    if truth is not None and crosswalk is not None:
        console.print(f"match: {score_crosswalk(crosswalk, truth).summary()}")


review_app = typer.Typer(help="Pairs of person records a reviewer decides.", no_args_is_help=True)
app.add_typer(review_app, name="review")


@review_app.command("list")
def review_list(
    limit: Annotated[int, typer.Option(help="pairs to show")] = 50,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Show the pairs waiting for review (from the last `commontable match`), best first, as
    the web's match review orders them; audited."""
    from commontable.identity.review_queue import pair_count, review_pairs
    from commontable.privacy import AuditAction

    settings = _settings(workspace, warehouse)
    with _reading(settings) as store:
        waiting = pair_count(store)
        pairs = review_pairs(store, limit=limit)
    with _app_db(settings.workspace) as session:
        _audit_cli(session, AuditAction.VIEW_MATCH_REVIEW, "match review", pairs_shown=len(pairs))
    table = Table(title=f"Match review: {waiting:,} pairs")
    for column in ("record", "person", "record", "person", "probability", "reason"):
        table.add_column(column)
    for pair in pairs:
        probability = pair.match_probability
        table.add_row(
            pair.left.key,
            pair.left.person_id,
            pair.right.key,
            pair.right.person_id,
            "" if probability is None else f"{probability:.3f}",
            pair.reason,
        )
    console.print(table)


@review_app.command("decide")
def review_decide(
    left: Annotated[str, typer.Argument(help="DATA_SOURCE:SOURCE_PERSON_ID")],
    right: Annotated[str, typer.Argument(help="DATA_SOURCE:SOURCE_PERSON_ID")],
    same: Annotated[
        bool | None,
        typer.Option("--same/--different", help="the same person (merge) or not (split)"),
    ] = None,
    by: Annotated[str, typer.Option(help="who decided (kept with the decision)")] = "",
    note: Annotated[str, typer.Option(help="why")] = "",
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Record that two records are the same person or not, and apply it (stable ids kept);
    audited as the web's decisions are, naming the records by opaque reference."""
    from commontable.identity.decisions import decide, parse_record
    from commontable.identity.match import match as match_people
    from commontable.privacy import AuditAction
    from commontable.privacy.audit import record_reference

    if same is None:
        raise UserError("say --same or --different")
    if not by:
        raise UserError("say who decided with --by NAME")
    settings = _settings(workspace, warehouse)
    pair = (parse_record(left), parse_record(right))
    decision = "same" if same else "different"
    with _warehouse(settings, changes_reading=True) as store:
        number = decide(store, pair[0], pair[1], decision, by, note)
        result = match_people(store, settings.identity_model_path)
    with _app_db(settings.workspace) as session:
        references = [record_reference(session, f"{s}:{i}") for s, i in pair]
        _audit_cli(
            session,
            AuditAction.DECIDE_MATCH,
            f"match decision {number}",
            records=references,
            decision=decision,
            decision_id=number,
            applied=True,
        )
    console.print(f"decision {number} recorded ({left} {decision} {right}) and applied")
    console.print(result.summary())


# --- the app DB: members and people -------------------------------------------------------

if TYPE_CHECKING:
    from enum import StrEnum
    from typing import TypeVar

    from sqlalchemy.orm import Session

    from commontable.privacy import AuditAction

    Choice = TypeVar("Choice", bound=StrEnum)

db_app = typer.Typer(help="The app DB: create it, migrate it.", no_args_is_help=True)
org_app = typer.Typer(help="Member organizations.", no_args_is_help=True)
user_app = typer.Typer(help="People who sign in.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")

# Spelled out here so `--help` stays fast (no SQLAlchemy import); a test holds them to the models.
ORGANIZATION_TYPES = (
    "purchaser, health_plan, hospital, clinic, cbo, public_health, consumer_advocate, school, "
    "workplace, government, academic, collaborative"
)
ROLES = (
    "admin, staff, member_representative, analyst, data_submitter, care_team, viewer, data_steward"
)


@contextmanager
def _app_db(workspace: Path) -> Iterator[Session]:
    """One committed unit of work on the workspace's app DB, which must be up to date."""
    from commontable.appdb import require_current, transaction
    from commontable.privacy.audit import app_db_engine

    settings = _settings(workspace)
    engine = app_db_engine(settings)
    try:
        require_current(engine)
        with transaction(engine) as session:
            yield session
    finally:
        engine.dispose()


def _audit_cli(
    session: Session,
    action: AuditAction,
    target: str,
    *,
    organization_id: int | None = None,
    **detail: object,
) -> None:
    """Record a change made from the command line; the actor is the machine's user."""
    import getpass

    from commontable.privacy import record

    detail.update(via="command line", os_user=getpass.getuser())
    record(session, action, organization_id=organization_id, target=target, detail=detail)


def _one_of(kind: type[Choice], value: str, option: str) -> Choice:
    try:
        return kind(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise UserError(f"{option} '{value}' is not one of: {', '.join(kind)}") from None


@db_app.command("upgrade")
def db_upgrade(workspace: Workspace = Path(".")) -> None:
    """Create the app DB, or migrate it to this version's schema; prints its revision."""
    from commontable.appdb import database_url, describe, upgrade
    from commontable.privacy.audit import app_db_key, audit_key_of

    settings = _settings(workspace)
    url = database_url(settings.resolve(settings.app_db))
    key = app_db_key(settings)
    revision = upgrade(url, audit_secret=audit_key_of(settings).secret, key=key)
    encrypted = " (encrypted)" if key else ""
    console.print(f"app DB {describe(url)}{encrypted} is at revision {revision} (the latest)")


@db_app.command("encrypt")
def db_encrypt(workspace: Workspace = Path(".")) -> None:
    """Encrypt the workspace's SQLite app DB with SQLCipher under COMMONTABLE_APP_DB_KEY (the
    app_db_key setting); stop the server and the worker first."""
    from commontable.appdb import database_url
    from commontable.appdb.encryption import encrypt_file
    from commontable.appdb.engine import sqlite_file
    from commontable.privacy.audit import app_db_key

    settings = _settings(workspace)
    key = app_db_key(settings)
    file = sqlite_file(database_url(settings.resolve(settings.app_db)))
    if not key or file is None:
        raise UserError(
            "set COMMONTABLE_APP_DB_KEY to the key (keep it in a secrets manager, not in "
            "commontable.toml); only a SQLite app DB is encrypted this way"
        )
    encrypt_file(file, key)
    console.print(f"app DB {file} encrypted (SQLCipher); keep COMMONTABLE_APP_DB_KEY set")


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="the organization's name")],
    type_: Annotated[str, typer.Option("--type", help=f"one of: {ORGANIZATION_TYPES}")],
    npi: Annotated[str | None, typer.Option(help="organization NPI (10 digits)")] = None,
    tin: Annotated[str | None, typer.Option(help="taxpayer id (9 digits)")] = None,
    parent: Annotated[
        str | None, typer.Option(help="parent organization (name or id), e.g. a medical group")
    ] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Register an organization; the first one is where the first admin works (`user add`)."""
    from commontable.members import OrganizationType, add_organization, find_organization
    from commontable.privacy import AuditAction

    with _app_db(workspace) as session:
        organization = add_organization(
            session,
            name,
            _one_of(OrganizationType, type_, "--type"),
            npi=npi,
            tin=tin,
            parent=find_organization(session, parent) if parent else None,
        )
        _audit_cli(
            session,
            AuditAction.ADD_ORGANIZATION,
            organization.name,
            organization_id=organization.id,
            type=str(organization.type),
        )
        said = f"organization {organization.id}: {organization.name} ({organization.type.label})"
    console.print(said)


@org_app.command("list")
def org_list(workspace: Workspace = Path(".")) -> None:
    """List the organizations: id, name, type, NPI, TIN and parent."""
    from commontable.members import list_organizations

    table = Table(title="Organizations")
    for column in ("id", "name", "type", "NPI", "TIN", "parent"):
        table.add_column(column, justify="right" if column == "id" else "left")
    with _app_db(workspace) as session:
        for org in list_organizations(session):
            parent = org.parent.name if org.parent else ""
            table.add_row(str(org.id), org.name, org.type.label, org.npi, org.tin, parent)
    console.print(table)


@org_app.command("import-roster")
def org_import_roster(workspace: Workspace = Path("."), warehouse: WarehouseUrl = None) -> None:
    """Add the organizations of the collaborative's roster (the warehouse's `organization`
    table) to the app DB, so that each sees its own measure results."""
    from commontable.publishing.roster import import_roster

    settings = _settings(workspace, warehouse)
    with _warehouse(settings) as store, _app_db(workspace) as session:
        done = import_roster(store, session)
    console.print(done.summary())


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="the email address they sign in with")],
    name: Annotated[str, typer.Option(help="full name")],
    organization: Annotated[
        str, typer.Option(help="their organization, by name or id (see `commontable org list`)")
    ],
    role: Annotated[list[str], typer.Option(help=f"a role, repeatable; one of: {ROLES}")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Add a person who can sign in (bootstrap the first admin); asks for the password twice."""
    from commontable.members import (
        Role,
        add_person,
        available_email,
        check_password_rules,
        find_organization,
    )
    from commontable.privacy import AuditAction

    roles = [_one_of(Role, value, "--role") for value in role]
    with _app_db(workspace) as session:  # refuse what we can before anyone types a password
        find_organization(session, organization)
        available_email(session, email)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    check_password_rules(password, email)
    with _app_db(workspace) as session:
        member_of = find_organization(session, organization)
        person = add_person(session, email, name, member_of, roles=roles, password=password)
        _audit_cli(
            session,
            AuditAction.ADD_PERSON,
            person.email,
            organization_id=member_of.id,
            person_id=person.id,
            roles=sorted(person.roles),
        )
        said = (
            f"user {person.id}: {person.email} ({person.name}) at {member_of.name}, "
            f"roles: {', '.join(sorted(person.roles))}"
        )
    console.print(said)


@user_app.command("unlock")
def user_unlock(
    email: Annotated[str, typer.Argument(help="the email address of the locked account")],
    workspace: Workspace = Path("."),
) -> None:
    """Lift the lock that failed sign-ins put on an account; audited."""
    from commontable.members import find_person
    from commontable.members.sign_in_guard import clear_account
    from commontable.privacy import AuditAction

    with _app_db(workspace) as session:
        person = find_person(session, email)
        if person is None:
            raise UserError(f"no one signs in as {email}")
        was_locked = clear_account(session, person.email)
        _audit_cli(
            session,
            AuditAction.UNLOCK_ACCOUNT,
            person.email,
            organization_id=person.organization_id,
            person_id=person.id,
            was_locked=was_locked,
        )
    console.print(f"{person.email}: {'unlocked' if was_locked else 'was not locked'}")


@user_app.command("reset-second-factor")
def user_reset_second_factor(
    email: Annotated[str, typer.Argument(help="the email address of the person")],
    workspace: Workspace = Path("."),
) -> None:
    """Forget a person's second factor (a lost phone): they set up a new one at their next
    sign-in; audited."""
    from commontable.members import find_person
    from commontable.members.second_factor import reset
    from commontable.privacy import AuditAction

    with _app_db(workspace) as session:
        person = find_person(session, email)
        if person is None:
            raise UserError(f"no one signs in as {email}")
        had = reset(person)
        _audit_cli(
            session,
            AuditAction.RESET_SECOND_FACTOR,
            person.email,
            organization_id=person.organization_id,
            person_id=person.id,
            had_one=had,
        )
    console.print(f"{person.email}: {'second factor reset' if had else 'had no second factor'}")


# --- measures ------------------------------------------------------------------------------

measure_app = typer.Typer(help="Quality and utilization measures.", no_args_is_help=True)
app.add_typer(measure_app, name="measure")


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
    """Compute measures for a period: writes measure_patient and measure_result."""
    from commontable.measures import run_measures

    with _warehouse(_settings(workspace, warehouse)) as store, _progress() as bar:
        task = bar.add_task("measures", total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        run = run_measures(store, period, measure, min_denominator=min_denominator, progress=report)
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
    from commontable.measures.fhir_export import export_fhir

    if format_ != "fhir":
        raise UserError(f"--format {format_}: the only export format is fhir")
    with _warehouse(_settings(workspace, warehouse)) as store:
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
    from commontable.measures.ecqm_check import check_ecqm

    with _progress() as bar:
        bar.add_task("checking eCQM test decks", total=None)
        check = check_ecqm(folder, measure)
    for line in check.lines():
        console.print(line, markup=False, highlight=False)
    if not check.ok:
        raise typer.Exit(code=1)


@app.command()
def publish(
    period: Annotated[int, typer.Option(help="measurement year, e.g. 2025")],
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Publish a period's measure results to the app DB: aggregates only, small counts and enough
    other cells hidden that none can be worked out (checked by an attacker audit); replaces the
    period's earlier publication."""
    import getpass

    from commontable.publishing.publish import publish as publish_results

    settings = _settings(workspace, warehouse)
    with (
        console.status("publishing: disclosure control over every result cell..."),
        _warehouse(settings) as store,
        _app_db(workspace) as session,
    ):
        done, decision = publish_results(store, session, period, published_by=getpass.getuser())
        said = (
            f"publish: {done.results:,} results for {period}, {done.suppressed:,} hidden "
            f"({done.primary_suppressed:,} with counts of 1-10, "
            f"{done.suppressed - done.primary_suppressed:,} to protect them; "
            f"{decision.protection_programs:,} linear programs, "
            f"{decision.protection_seconds:.1f} s)\n{decision.audit.summary()}"
        )
    console.print(said)


# --- the public report ------------------------------------------------------------------


@app.command("demo-table")
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
    with _app_db(workspace) as session:
        seeded = seed(session, password)
    console.print(seeded.summary(), markup=False, highlight=False)
    if not password_stdin:
        console.print(f"their password (shown once): {seeded.password}", markup=False)


report_app = typer.Typer(help="The public report and member scorecards.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("build")
def report_build(
    period: Annotated[int, typer.Option(help="the published measurement year to report")],
    out: Annotated[Path, typer.Option(help="folder for the site (replaced if a report)")],
    workspace: Workspace = Path("."),
    pdf: Annotated[bool, typer.Option(help="also print the report and scorecards as PDF")] = True,
) -> None:
    """Build the public report of a published period: a static site (HTML, CSS, SVG charts, no
    JavaScript) with member scorecards, and its PDFs; the web app serves it at /report/."""
    from datetime import date

    from commontable.reports import ReportOptions, build_report, record_latest, sharing_rule

    settings = _settings(workspace)
    options = ReportOptions(
        period=period,
        as_of=date.today(),
        min_reliability=settings.report_min_reliability,
        sharing=sharing_rule(settings.report_cost_sharing),
        pdf=pdf,
    )
    with _app_db(workspace) as session, _progress() as bar:
        task = bar.add_task("report", total=None)
        built = build_report(
            session, out, options, lambda step: bar.update(task, description=f"report: {step}")
        )
    record_latest(settings.workspace, built.site, built.period)
    printed = f", PDF {built.pdf_pages} pages ({built.pdf})" if built.pdf else ""
    console.print(
        f"report: {built.pages} pages, {built.charts} charts, {built.scorecards} scorecards, "
        f"{built.withheld} cost figures withheld{printed}, in {built.seconds:.0f} s; "
        f"open {built.site / 'index.html'} (or /report/ in the web app)",
        markup=False,
        highlight=False,
    )


# --- governance: Delphi consensus studies ------------------------------------------------

delphi_app = typer.Typer(help="Delphi consensus studies.", no_args_is_help=True)
app.add_typer(delphi_app, name="delphi")
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
    from commontable.governance.delphi import (
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


# --- plans: the action plan ---------------------------------------------------------------

plan_app = typer.Typer(help="The action plan: goals, targets, progress.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("add")
def plan_add(
    title: Annotated[str, typer.Argument(help="the plan's title")],
    collaborative: Annotated[int, typer.Option(help="the collaborative's id")],
    start_year: Annotated[int, typer.Option(help="first year of the plan")],
    end_year: Annotated[int, typer.Option(help="last year of the plan")],
    active: Annotated[bool, typer.Option("--active", help="adopted already (not a draft)")] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Start a collaborative's action plan (a draft unless --active); audited."""
    from commontable.members import get_collaborative
    from commontable.plans import PlanStatus
    from commontable.plans.planning import create_plan
    from commontable.privacy import AuditAction, record

    status = PlanStatus.ACTIVE if active else PlanStatus.DRAFT
    with _app_db(workspace) as session:
        where = get_collaborative(session, collaborative)
        plan = create_plan(
            session, where, title, start_year=start_year, end_year=end_year, status=status
        )
        record(session, AuditAction.CREATE_PLAN, target=plan.title, detail={"plan_id": plan.id})
        said = f"plan {plan.id}: {plan.title} ({where.name}, {start_year}-{end_year}, {status})"
    console.print(said, markup=False, highlight=False)


@plan_app.command("add-goal")
def plan_add_goal(
    title: Annotated[str, typer.Argument(help="the goal, in words")],
    plan: Annotated[int, typer.Option("--plan", help="the plan's id")],
    measure: Annotated[str, typer.Option(help="a published measure's id, e.g. CMS125")],
    baseline_period: Annotated[int, typer.Option(help="the baseline's measurement year")],
    target: Annotated[str, typer.Option(help="target value, e.g. 75% or 0.75")],
    by: Annotated[str, typer.Option(help="target date, e.g. 2027-12-31")],
    entity_type: Annotated[str, typer.Option(help="clinic, health_plan, ...")] = "collaborative",
    entity_id: Annotated[str, typer.Option(help="the entity's id in the results")] = "",
    stratum_type: Annotated[str, typer.Option(help="age_band, sex, ...")] = "all",
    stratum: Annotated[str, typer.Option(help="the stratum, e.g. 50-64")] = "",
    workspace: Workspace = Path("."),
) -> None:
    """Set a goal on a published measure (custom measures: on the plan's page); audited."""
    from datetime import date

    from commontable.plans.figures import parse_value
    from commontable.plans.goals import GoalSpec, add_goal, measure_facts
    from commontable.plans.planning import get_plan
    from commontable.privacy import AuditAction, record

    try:
        target_date = date.fromisoformat(by)
    except ValueError:
        raise UserError(f"--by '{by}' is not a date like 2027-12-31") from None
    with _app_db(workspace) as session:
        chosen = get_plan(session, plan)
        _, unit, _ = measure_facts(session, measure, None)
        spec = GoalSpec(
            title=title,
            baseline_period=baseline_period,
            target_value=parse_value(target, unit, "target"),
            target_date=target_date,
            measure_id=measure,
            entity_type=entity_type,
            entity_id=entity_id,
            stratum_type=stratum_type,
            stratum=stratum,
        )
        goal = add_goal(session, chosen, spec)
        record(
            session,
            AuditAction.ADD_GOAL,
            target=goal.title,
            detail={"plan_id": chosen.id, "goal_id": goal.id, "measure_id": measure},
        )
        said = f"goal {goal.id} of plan {chosen.id}: {goal.title}"
    console.print(said, markup=False, highlight=False)


def _goal_figure(progress: GoalProgress, period: int | None, value: float | None) -> str:
    """A goal's value of a period for the table; * marks a cell the public does not see."""
    from commontable.plans.figures import value_text

    if value is None or period is None:
        return "-"
    small = any(o.period == period and o.own_detail for o in progress.series)
    return f"{value_text(progress.unit, value)}{'*' if small else ''} ({period})"


@plan_app.command("progress")
def plan_progress(
    plan: Annotated[
        int | None, typer.Option("--plan", help="one plan's id; default: every plan but drafts")
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="as the public sees it: small cells left out")
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Each goal with its baseline, latest value, target and whether it is on track, computed
    from published results; * marks a small cell the public does not see."""
    from commontable.members import Role
    from commontable.plans import goals_with_progress
    from commontable.plans.figures import share_text, value_text
    from commontable.privacy.access import Principal
    from commontable.privacy.safety_zone import sharing_rule
    from commontable.publishing.reader import Reader

    settings = _settings(workspace, None)
    # Whoever runs commands holds the app DB itself, so they see what its data stewards see.
    steward = Principal(0, frozenset({Role.STAFF, Role.DATA_STEWARD}), "the command line")
    reader = Reader(
        None if public else steward,
        sharing=sharing_rule(settings.report_cost_sharing),
        min_reliability=settings.report_min_reliability,
    )
    table = Table(title="Goals and their progress")
    columns = ("plan", "goal", "measure", "for", "baseline", "latest", "target", "of the way")
    for column in (*columns, "status"):
        table.add_column(column)
    with _app_db(workspace) as session:
        found = goals_with_progress(session, plan_id=plan, reader=reader)
        for p in found:
            status = str(p.status) + (" (within 95% CI)" if p.within_interval else "")
            table.add_row(
                f"{p.plan_id}: {p.plan_title}",
                f"{p.goal_id}: {p.title}",
                p.measure_id or f"{p.measure_title} (custom)",
                p.scope.label,
                _goal_figure(p, p.baseline_period, p.baseline),
                _goal_figure(p, p.latest_period, p.latest),
                f"{value_text(p.unit, p.target)} by {p.target_date}",
                share_text(p.percent_of_way),
                status,
            )
    if not found:
        console.print("no goals yet: add them on a plan's page or with `commontable plan add-goal`")
        return
    console.print(table)


# --- the web application and the audit log --------------------------------------------------

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on; 0.0.0.0 for all")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--worker/--no-worker",
            help="start the job worker beside the server (--no-worker: one runs elsewhere)",
        ),
    ] = True,
    workspace: Workspace = Path("."),
) -> None:
    """Serve the web application and the JSON API (/api) with uvicorn, and the job worker."""
    import uvicorn

    from commontable.web import create_app

    settings = _settings(workspace)
    application = create_app(settings)
    worker = None
    if settings.jobs == "worker" and with_worker:
        from commontable.jobs.worker import start_worker

        worker = start_worker(workspace)
    console.print(f"CommonTable at http://{host}:{port}/ (API: /api/openapi.json); Ctrl+C stops")
    try:
        uvicorn.run(application, host=host, port=port, proxy_headers=True, log_level="info")
    finally:
        if worker is not None:
            worker.terminate()  # it finishes the job it runs, then stops
            worker.wait()


@app.command()
def worker(workspace: Workspace = Path(".")) -> None:
    """Run the jobs the web and the API queue (loads, match decisions) one at a time, each in
    the warehouse's turn; `serve` starts one. SIGTERM stops it after the job under way, Ctrl+C
    at once (a load under way is rolled back whole)."""
    from commontable.jobs.worker import run_worker

    console.print("CommonTable worker: running queued jobs; Ctrl+C stops it")
    run_worker(_settings(workspace))


@audit_app.command("verify")
def audit_verify(workspace: Workspace = Path(".")) -> None:
    """Recompute the audit log's hash chain; exit 1 at the first altered or deleted entry."""
    from commontable.privacy import verify

    with _app_db(workspace) as session:
        check = verify(session)
    if not check.ok:
        errors.print(f"[red]{check.summary()}[/red]")
        raise typer.Exit(code=1)
    console.print(check.summary())


def main() -> None:
    """Entry point: user errors print as one message and a non-zero exit, without a traceback."""
    try:
        app()
    except UserError as error:
        errors.print(f"[red]error:[/red] {error}")
        sys.exit(1)
