"""Where matching runs: beside the warehouse's engine, with Splink's matching backend for it."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
from splink import DuckDBAPI
from splink.internals.database_api import DatabaseAPISubClass

from commontable.warehouse import Warehouse, load_crypto

_names = itertools.count()


@dataclass
class MatchEngine:
    """An Ibis backend and the Splink database API over the same tables.

    On DuckDB, matching runs in a private in-memory database fed from the warehouse (Splink's
    work tables never touch the warehouse file); on Spark, in the warehouse's own session.
    """

    con: ibis.BaseBackend
    db_api: DatabaseAPISubClass
    warehouse: Warehouse
    spill: Path | None = None  # where private DuckDB spills what does not fit in memory

    def keep(self, rows: ir.Table, prefix: str) -> str:
        """Compute rows into a named table of this engine (Splink and Ibis both read it)."""
        name = f"_match_{prefix}_{next(_names)}"
        if self.spark:
            kept = self.warehouse.materialize(rows, prefix=f"match_{prefix}")
            return str(kept.get_name())
        if not isinstance(rows, ir.Table) or _backend_of(rows) is not self.con:
            rows = rows.to_pyarrow()
        self.con.create_table(name, rows)
        return name

    def load(self, rows: ir.Table, prefix: str) -> ir.Table:
        """Bring a warehouse expression into this engine, computed once."""
        return self.con.table(self.keep(rows, prefix))

    def splink_table(self, frame: Any) -> ir.Table:
        """A Splink result (SplinkDataFrame) as an Ibis table of this engine."""
        return self.con.table(frame.physical_name)

    @property
    def spark(self) -> bool:
        return self.con.name == "pyspark"

    def arrow(self, rows: ir.Table) -> pa.Table | ir.Table:
        """Rows for the warehouse's `replace`: Arrow from private DuckDB, expressions on Spark."""
        return rows if self.spark else rows.to_pyarrow()

    def close(self) -> None:
        """Drop the work tables: the private database, or the Spark session's views."""
        if self.spark:
            self.warehouse.release()
        else:
            self.con.disconnect()
        if self.spill is not None:
            shutil.rmtree(self.spill, ignore_errors=True)


def _backend_of(rows: ir.Table) -> Any:
    try:
        return rows._find_backend()
    except Exception:  # an in-memory table belongs to no backend yet
        return None


def match_engine(warehouse: Warehouse) -> MatchEngine:
    """The engine for this warehouse: private DuckDB, or the warehouse's Spark session."""
    if warehouse.con.name == "pyspark":
        from splink import SparkAPI

        session = warehouse.con._session
        return MatchEngine(warehouse.con, SparkAPI(spark_session=session), warehouse)
    private = duckdb.connect()
    private.execute("SET preserve_insertion_order = false")
    private.execute("SET enable_progress_bar = false")
    spill = Path(tempfile.mkdtemp(prefix="commontable-match-"))
    private.execute(f"SET temp_directory = '{spill}'")
    if warehouse.encrypted:  # what matching spills holds demographics: encrypted like the rest
        load_crypto(private)
        private.execute("SET temp_file_encryption = true")
    engine = MatchEngine(ibis.duckdb.from_connection(private), DuckDBAPI(private), warehouse)
    engine.spill = spill
    return engine
