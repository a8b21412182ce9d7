"""What pages read while the warehouse is being written: a small read-only copy of the tables
they show (the submission log, quarantined values, the match review queue and its records'
demographics, the person crosswalk, care gaps), replaced whole after each write, so that a
page never waits for, or is refused by, a load or a match that is running.

It holds patient-level values, so it is the warehouse's kin: owner-only, beside it, and
audited wherever it is shown.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import duckdb
import ibis
import ibis.expr.types as ir

from commontable.config import CONFIG_FILE, Settings
from commontable.errors import ConfigError, NotFound, UserError
from commontable.warehouse import encryption
from commontable.warehouse.schema import storage_schemas
from commontable.warehouse.store import duckdb_file

SUFFIX = ".reading.duckdb"
# The crosswalk answers, on the web, whether an organization has records of a person (a care
# team may follow only its own patients); care gaps are a care team's work list.
READ_TABLES = (
    "submission", "quarantine", "match_review", "match_review_record", "person_crosswalk",
    "care_gap",
)  # fmt: skip


class Tables(Protocol):
    """Where pages read tables from: the reading copy, or the warehouse itself."""

    def table(self, name: str) -> ir.Table: ...


def reading_path(settings: Settings) -> Path | None:
    """Where the workspace's reading copy lives: beside a DuckDB warehouse, in the workspace for
    Spark; None for a warehouse in memory (no other process can read it anyway)."""
    url = settings.warehouse_url
    if url.startswith("spark://"):
        return settings.workspace / f"warehouse{SUFFIX}"
    path = duckdb_file(url)
    if path in ("", ":memory:"):
        return None
    return Path(path).with_suffix(SUFFIX)


def write_reading(store: Tables, path: Path, key: str | None = None) -> None:
    """Copy the read tables into a new reading copy (encrypted under `key`, as the warehouse)
    and put it in place of the old one at once: readers that have the old one open keep
    reading it, the next ones open the new one."""
    # Made in a private folder (0700) beside it: no one else can open it while it is written.
    with tempfile.TemporaryDirectory(prefix=".reading-", dir=path.parent) as folder:
        new = Path(folder) / path.name
        con = duckdb.connect()
        try:
            if key:
                encryption.load_crypto(con)
            encryption.attach(con, str(new), "copy", key)
            for name in READ_TABLES:
                rows = store.table(name).to_pyarrow()  # noqa: F841  (DuckDB reads it by name)
                con.execute(f'CREATE TABLE copy."{name}" AS SELECT * FROM rows')
        finally:
            con.close()
        os.chmod(new, 0o600)
        os.replace(new, path)


class Reading:
    """The reading copy, open read-only for one request or command (None: a workspace with
    nothing loaded yet, whose tables are empty)."""

    def __init__(self, path: Path | None, key: str | None = None) -> None:
        self.con = ibis.duckdb.connect()
        if path is None:
            schemas = storage_schemas()
            for name in READ_TABLES:
                self.con.create_table(name, schema=schemas[name])
        else:
            encryption.attach(self.con.con, str(path), "reading", key, read_only=True)
        self._tables = set(self.con.list_tables())

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            raise NotFound(f"the warehouse's reading copy has no table '{name}'")
        return self.con.table(name)

    def close(self) -> None:
        self.con.disconnect()


@contextmanager
def reading_copy(settings: Settings) -> Iterator[Reading]:
    """The workspace's reading copy, open for the block: empty while nothing is loaded yet (the
    first load makes the warehouse), made first if there is none (a workspace from before it
    existed), waiting a few seconds for the writer's turn."""
    path = reading_path(settings)
    if path is None:
        raise ConfigError("pages need a warehouse file (or Spark); a warehouse in memory has none")
    if not path.exists():
        from commontable.warehouse.turns import writing

        spark = settings.warehouse_url.startswith("spark://")
        if spark or Path(duckdb_file(settings.warehouse_url)).exists():
            with writing(settings, wait=10.0):
                pass
        elif not (settings.workspace / CONFIG_FILE).exists():
            raise UserError(
                f"no workspace at {settings.workspace} (no {CONFIG_FILE}): is --workspace "
                "right? `commontable init` makes one"
            )
    copy = Reading(path if path.exists() else None, encryption.warehouse_key(settings))
    try:
        yield copy
    finally:
        copy.close()
