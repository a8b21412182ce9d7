"""The warehouse: patient-level tables behind Ibis, on DuckDB (default) or Apache Spark."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import duckdb
import ibis
import ibis.expr.types as ir
import psutil
import pyarrow as pa
import sqlglot as sg
from ibis.backends.sql.datatypes import DuckDBType

from commontable.errors import ConfigError, Conflict, NotFound
from commontable.warehouse import encryption
from commontable.warehouse.schema import DERIVED_TABLES, storage_schemas

log = logging.getLogger(__name__)

MEMORY_SHARE = 0.5  # of the machine's memory, for DuckDB's own buffers
COMPILED_KEPT = 256  # compiled statements kept for reuse
CHECKPOINT_AFTER = "4GB"  # of write-ahead log before DuckDB checkpoints (its default: 16 MB)
SCAN_ROWS = 262_144  # rows per Arrow batch DuckDB scans (at most; batches are read in parallel)
LogRow = Callable[[], Mapping[str, Any]]
Rows: TypeAlias = ir.Table | pa.Table


class Writer:
    """Appends a submission's rows inside a transaction; the log row is written at the end."""

    def __init__(self, append: Callable[[str, ir.Table], None]) -> None:
        self.append = append
        self._log: LogRow | None = None

    def log(self, row: LogRow) -> None:
        """Set the submission log row; it is made when the transaction ends, so it can time it."""
        self._log = row

    def log_row(self) -> Mapping[str, Any]:
        if self._log is None:
            raise RuntimeError("a submission transaction ended without its log row")
        return self._log()


class Warehouse:
    """A connection to the patient-level store; intake commits whole submissions through it."""

    def __init__(self, con: ibis.BaseBackend, url: str) -> None:
        self.con = con
        self.url = url
        self.schemas = storage_schemas()
        self._references: dict[str, ir.Table] = {}
        self._scratch: list[str] = []
        self._names = itertools.count()
        self.encrypted = False  # its files (and what it spills) encrypted at rest

    def scratch_name(self, prefix: str) -> str:
        """A name for temporary work; numbering starts again after `release`, so the same work
        on the next chunk gets the same names (and the same compiled SQL)."""
        return f"_{prefix}_{next(self._names)}"

    def table(self, name: str) -> ir.Table:
        """A stored table, in its declared column order (empty when nothing was loaded yet).

        Columns a later version added are read as nulls from a warehouse written before it.
        """
        if name not in self.schemas:
            raise NotFound(f"the warehouse has no table '{name}'")
        stored = self._read(name)
        schema = self.schemas[name]
        missing = {c: ibis.null(t) for c, t in schema.items() if c not in stored.columns}
        return (stored.mutate(**missing) if missing else stored).select(*schema.names)

    def stage(self, rows: pa.Table, prefix: str = "stage") -> ir.Table:
        """Put in-memory rows into the engine as a temporary table (dropped by `release`)."""
        name = self.scratch_name(prefix)
        self._scratch.append(name)
        return self.con.create_table(name, rows, temp=True)

    def scan(self, rows: pa.Table, prefix: str = "scan") -> ir.Table:
        """In-memory rows for the engine to read in place (dropped by `release`); here a copy."""
        return self.stage(rows, prefix)

    def reference(self, name: str, rows: Callable[[], pa.Table]) -> ir.Table:
        """A reference list staged once per connection (code lists used by many batches)."""
        if name not in self._references:
            self._references[name] = self._keep(rows(), f"_ref_{name}")
        return self._references[name]

    def _keep(self, rows: pa.Table, name: str) -> ir.Table:
        return self.con.create_table(name, rows, temp=True, overwrite=True)

    def materialize(self, expr: ir.Table, prefix: str = "step") -> ir.Table:
        """Compute an expression once into a temporary table, so later steps reuse it."""
        name = self.scratch_name(prefix)
        self._scratch.append(name)
        return self.con.create_table(name, expr, temp=True)

    def fetch(self, expr: ir.Table) -> pa.Table:
        """The rows of an expression, in memory (small results: lists of codes, counts)."""
        return expr.to_pyarrow()

    def release(self) -> None:
        """Drop the temporary tables of the work done so far, to free their memory."""
        for name in self._scratch:
            self.con.drop_table(name, force=True)
        self._scratch.clear()
        self._names = itertools.count()

    def transaction(self) -> AbstractContextManager[Writer]:
        """Everything appended inside lands together with its submission log row, or nothing."""
        raise NotImplementedError

    def replace(self, tables: Mapping[str, Rows]) -> None:
        """Write derived tables whole (person_crosswalk, person, ...): all of them, or none."""
        raise NotImplementedError

    def _derived(self, tables: Mapping[str, Rows]) -> dict[str, ir.Table]:
        unknown = sorted(set(tables) - set(DERIVED_TABLES))
        if unknown:
            raise NotFound(f"{', '.join(unknown)}: not derived tables of the warehouse")
        return {
            name: self.conform(name, rows if isinstance(rows, ir.Table) else ibis.memtable(rows))
            for name, rows in tables.items()
        }

    def next_submission_id(self) -> int:
        last = self.table("submission").submission_id.max().execute()
        return 1 if last is None or last != last else int(last) + 1

    def conform(self, name: str, expr: ir.Table) -> ir.Table:
        """Cast an expression to a stored table's schema, column by column, in order."""
        schema = self.schemas[name]
        return expr.select(*[expr[c].cast(t).name(c) for c, t in schema.items()])

    def _read(self, name: str) -> ir.Table:
        raise NotImplementedError

    def close(self) -> None:
        self.con.disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DuckDBWarehouse(Warehouse):
    """One DuckDB file; a submission is committed in one database transaction."""

    def __init__(self, path: str, key: str | None = None) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            con = _open(path, key)
        except duckdb.IOException as error:
            # The detail (the file's path, the other process's id) is for the log, not for whoever
            # reads the message: a web page shows it.
            log.warning("warehouse %s cannot be opened: %s", path, error)
            raise Conflict(
                "the warehouse is busy: another command (a load, matching, a measure run or "
                "publishing) is using it; try again when it has finished"
            ) from error
        super().__init__(con, f"duckdb://{path}")
        self.encrypted = bool(key) and path != ":memory:"
        self._views: list[str] = []
        self._compiled: dict[object, str] = {}
        # Leave room for the Arrow chunks outside DuckDB, and spill beside the file, not in RAM.
        limit = max(1, int(psutil.virtual_memory().total * MEMORY_SHARE / 2**30))
        self.con.raw_sql(f"SET memory_limit = '{limit}GB'")
        self.con.raw_sql("SET preserve_insertion_order = false")
        self.con.raw_sql("SET enable_progress_bar = false")  # the CLI draws its own
        # Checkpoint once the log holds CHECKPOINT_AFTER (DuckDB's default is 16 MB): each
        # submission's commit then does not rewrite the file; closing checkpoints the rest.
        self.con.raw_sql(f"SET checkpoint_threshold = '{CHECKPOINT_AFTER}'")
        if path != ":memory:":
            self.con.raw_sql(f"SET temp_directory = '{path}.tmp'")
        existing = set(self.con.list_tables())
        for name, schema in self.schemas.items():
            if name not in existing:
                self.con.create_table(name, schema=schema)
            else:
                self._add_missing_columns(name, schema)

    def _add_missing_columns(self, name: str, schema: ibis.Schema) -> None:
        """Columns a later version added to a table, added (null) to a file written before it."""
        have = set(self.con.table(name).columns)
        for column, kind in schema.items():
            if column not in have:
                sql_type = DuckDBType.to_string(kind)
                self.con.raw_sql(
                    f"ALTER TABLE {_quoted(name)} ADD COLUMN {_quoted(column)} {sql_type}"
                )

    def _read(self, name: str) -> ir.Table:
        return self.con.table(name)

    def scan(self, rows: pa.Table, prefix: str = "scan") -> ir.Table:
        """The Arrow rows registered as a view: DuckDB scans them in place, nothing is copied."""
        name = self.scratch_name(prefix)
        # in slices (zero-copy): DuckDB reads an Arrow table's batches in parallel, not one batch
        rows = pa.Table.from_batches(rows.to_batches(max_chunksize=SCAN_ROWS), rows.schema)
        self.con.con.register(name, rows)
        self._views.append(name)
        return self.con.table(name)

    def _sql(self, expr: ir.Table) -> str:
        """The expression's SQL, compiled once: the next chunk of a file builds the same
        expression (same names, literals and code lists), so it is not compiled again."""
        key = expr.op()
        sql = self._compiled.get(key)
        if sql is None:
            if len(self._compiled) >= COMPILED_KEPT:
                self._compiled.clear()
            sql = self._compiled[key] = str(self.con.compile(expr))
        self.con._run_pre_execute_hooks(expr)  # registers the in-memory tables it reads
        return sql

    def _insert(self, name: str, expr: ir.Table) -> None:
        columns = ", ".join(_quoted(c) for c in expr.columns)
        self.con.raw_sql(f"INSERT INTO {_quoted(name)} ({columns}) {self._sql(expr)}")

    def materialize(self, expr: ir.Table, prefix: str = "step") -> ir.Table:
        schema = expr.schema()
        if schema.null_fields:  # Ibis refuses these with a clear message
            return super().materialize(expr, prefix)
        name = self.scratch_name(prefix)
        self._scratch.append(name)
        columns = ", ".join(f"{_quoted(c)} {DuckDBType.to_string(t)}" for c, t in schema.items())
        self.con.raw_sql(f"CREATE TEMPORARY TABLE {_quoted(name)} ({columns})")
        self._insert(name, expr)
        return self.con.table(name)

    def fetch(self, expr: ir.Table) -> pa.Table:
        table: pa.Table = self.con.raw_sql(self._sql(expr)).fetch_arrow_table()
        return table

    def release(self) -> None:
        for name in self._views:
            self.con.con.unregister(name)
        self._views.clear()
        super().release()

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """One database transaction: committed when the block ends, rolled back if it fails."""
        self.con.raw_sql("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.raw_sql("ROLLBACK")
            raise
        self.con.raw_sql("COMMIT")

    def replace(self, tables: Mapping[str, Rows]) -> None:
        exprs = self._derived(tables)
        with self._atomic():
            for name, expr in exprs.items():
                self.con.raw_sql(f"DELETE FROM {_quoted(name)}")
                self._insert(name, expr)

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        writer = Writer(lambda name, expr: self._insert(name, self.conform(name, expr)))
        with self._atomic():
            yield writer
            log = ibis.memtable([dict(writer.log_row())], schema=self.schemas["submission"])
            self._insert("submission", log)


def _open(path: str, key: str | None) -> ibis.BaseBackend:
    """A connection on the DuckDB file `path`, encrypted under `key` when one is given."""
    if key and path != ":memory:":
        con = ibis.duckdb.connect()
        encryption.load_crypto(con.con)
        encryption.attach(con.con, path, "warehouse", key)
        con.raw_sql("SET temp_file_encryption = true")  # what spills to disk, encrypted too
        return con
    try:
        return ibis.duckdb.connect(path)
    except duckdb.CatalogException as error:
        if "encrypted" not in str(error):
            raise
        raise ConfigError(
            "the warehouse is encrypted: set its key (COMMONTABLE_WAREHOUSE_KEY)"
        ) from error


def _quoted(name: str) -> str:
    return sg.to_identifier(name, quoted=True).sql("duckdb")


def connect(url: str, *, spark_dir: str | None = None, key: str | None = None) -> Warehouse:
    """Open the warehouse at `url`: a DuckDB file path, `duckdb://PATH`, or `spark://MASTER`.

    Example:
        >>> with connect(":memory:") as warehouse:
        ...     warehouse.table("patient").count().execute()
        0
    """
    if url.startswith("spark://"):
        from commontable.warehouse.spark import SparkWarehouse

        if key:
            raise ConfigError(
                "warehouse_key encrypts a DuckDB warehouse; Spark's storage has its own"
            )
        master = url.removeprefix("spark://") or "local[2]"
        return SparkWarehouse(master, spark_dir or "spark-warehouse")
    return DuckDBWarehouse(duckdb_file(url) or ":memory:", key)


def duckdb_file(url: str) -> str:
    """The file of a DuckDB warehouse URL ('' or ':memory:' for one in memory); any other kind of
    URL is the user's to fix."""
    path = url.removeprefix("duckdb://")
    if "://" in path:
        raise ConfigError(
            f"warehouse '{url}' is not supported: use a DuckDB file path or spark://local[2]"
        )
    return path
