"""What every part's commands share: the consoles, the workspace and warehouse options, and the
stores opened the way every command opens them (the warehouse in its turn, the reading copy,
the app DB), with the command line's audit entries."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from commontable.config import Settings, load_settings
from commontable.errors import UserError

if TYPE_CHECKING:
    from enum import StrEnum

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from commontable.audit import AuditAction
    from commontable.warehouse import Tables, Warehouse

    Choice = TypeVar("Choice", bound=StrEnum)

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


def settings_of(workspace: Path, warehouse: str | None = None) -> Settings:
    return load_settings(workspace, warehouse=warehouse)


@contextmanager
def open_warehouse(settings: Settings, *, changes_reading: bool = False) -> Iterator[Warehouse]:
    """The warehouse in this command's turn: it waits while a job or another command writes.
    A command that changes what pages read (the submission log, quarantine, the review queue)
    writes their reading copy again when it is done."""
    from commontable.warehouse import writing

    def waiting() -> None:
        errors.print("waiting for the warehouse: a job or another command is writing it")

    with writing(settings, refresh=changes_reading, waiting=waiting) as warehouse:
        yield warehouse


@contextmanager
def open_reading(settings: Settings) -> Iterator[Tables]:
    """What the warehouse last committed of the submission log, the quarantine and the review
    queue: read at once, even while a job or another command writes the warehouse."""
    from commontable.warehouse import reading_copy

    with reading_copy(settings) as copy:
        yield copy


def say_none_yet(what: str, how: str) -> None:
    """What a list command says when there is nothing to list yet, and how to add some."""
    console.print(f"no {what} yet: {how}", markup=False, highlight=False)


@contextmanager
def progress_bar() -> Iterator[Progress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        yield bar


@contextmanager
def open_app_db(workspace: Path) -> Iterator[Session]:
    """One committed unit of work on the workspace's app DB, which must be up to date."""
    from commontable.appdb import require_current, transaction
    from commontable.audit import app_db_engine

    settings = settings_of(workspace)
    engine = app_db_engine(settings)
    try:
        require_current(engine)
        with transaction(engine) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def app_db_if_any(settings: Settings) -> Iterator[Engine | None]:
    """The workspace's app DB, up to date, or None when it has none (a workspace that only
    loads, matches and measures): for the steps that bring the care teams' work along."""
    from commontable.appdb import require_current, sqlite_file
    from commontable.audit import app_db_engine

    engine = app_db_engine(settings)
    try:
        file = sqlite_file(engine.url)
        if file is not None and not file.exists():
            yield None
        else:
            require_current(engine)
            yield engine
    finally:
        engine.dispose()


def audit_cli(
    session: Session,
    action: AuditAction,
    target: str,
    *,
    organization_id: int | None = None,
    **detail: object,
) -> None:
    """Record what was done from the command line; the actor is the machine's user."""
    from commontable.audit import command_line_actor

    command_line_actor().record(
        session, action, target=target, organization_id=organization_id, **detail
    )


def one_of(kind: type[Choice], value: str, option: str) -> Choice:
    try:
        return kind(value.strip().lower().replace("-", "_"))
    except ValueError:
        raise UserError(f"{option} '{value}' is not one of: {', '.join(kind)}") from None
