"""The warehouse on Apache Spark: one Parquet dataset per table, one partition per submission.

A submission is staged in full, moved into place partition by partition, and committed by
writing its submission-log partition last; partitions without a committed log row are
removed when the warehouse opens, so an interrupted load leaves the previous state.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from commontable.errors import MissingExtra
from commontable.warehouse.schema import DERIVED_TABLES
from commontable.warehouse.store import Rows, Warehouse, Writer

PARTITION = "submission_id"
CONSTRAINT_PROPAGATION = "spark.sql.constraintPropagation.enabled"
STAGED = "staged"  # rows handed to Spark as Parquet (not "_": Spark skips such paths)


def _similarity_functions() -> str:
    """Splink's jar of string-similarity SQL functions (Jaro-Winkler...), shipped in its wheel."""
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:  # pragma: no cover - splink is a dependency
        return ""
    return str(similarity_jar_location())


def spark_session(master: str) -> Any:
    """One Spark session per process, quiet and local-friendly."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:  # pragma: no cover - depends on the install
        raise MissingExtra("The Spark warehouse", "spark", "pyspark") from error
    session = (
        SparkSession.builder.master(master)
        .appName("commontable")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        .config("spark.jars", _similarity_functions())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkWarehouse(Warehouse):
    """Tables as Parquet datasets under a folder, computed on Spark through Ibis."""

    def __init__(self, master: str, directory: str) -> None:
        self.root = Path(directory)
        self.root.mkdir(parents=True, exist_ok=True)
        session = spark_session(master)
        super().__init__(ibis.pyspark.connect(session), f"spark://{master}")
        self._recover()
        # Long lineages (iterative clustering) are cut by checkpoints kept beside the tables.
        session.sparkContext.setCheckpointDir(str(self.root / "_checkpoints"))

    def _committed_ids(self) -> set[int]:
        log = self.root / "submission"
        if not log.exists():
            return set()
        ids = pq.read_table(log, columns=[PARTITION]).column(PARTITION).to_pylist()
        return {int(i) for i in ids}

    def _recover(self) -> None:
        """Remove staging leftovers and partitions of submissions that never committed."""
        shutil.rmtree(self.root / "_staging", ignore_errors=True)
        shutil.rmtree(self.root / "_checkpoints", ignore_errors=True)
        shutil.rmtree(self.root / STAGED, ignore_errors=True)
        for old in (self.root / "_retired").glob("*"):  # a swap of derived tables cut short
            if not (self.root / old.name).exists():
                old.rename(self.root / old.name)
        shutil.rmtree(self.root / "_retired", ignore_errors=True)
        committed = self._committed_ids()
        for partition in self.root.glob(f"*/{PARTITION}=*"):
            if int(partition.name.split("=", 1)[1]) not in committed:
                shutil.rmtree(partition)

    def stage(self, rows: pa.Table, prefix: str = "stage") -> ir.Table:
        """Rows written as Parquet for Spark to read: a memtable goes through pandas, where a
        whole-number column with nulls turns into floats Spark cannot cast back (all null)."""
        folder = self.root / STAGED
        folder.mkdir(exist_ok=True)
        path = folder / f"rows{self.scratch_name(prefix)}.parquet"
        pq.write_table(rows, path)
        return self.con.read_parquet(str(path))

    def _keep(self, rows: pa.Table, name: str) -> ir.Table:
        return ibis.memtable(rows)

    def materialize(self, expr: ir.Table, prefix: str = "step") -> ir.Table:
        name = self.scratch_name(prefix)
        self._scratch.append(name)
        self.con._run_pre_execute_hooks(expr)
        # A local checkpoint keeps the rows and cuts the plan: later queries over this view
        # do not carry (and re-optimise) everything that produced it.
        # A checkpoint records its plan's constraints; over intake's wide rule expressions that
        # derivation grows without bound (Java heap), and a checkpoint needs none of them.
        conf = self.con._session.conf
        previous = conf.get(CONSTRAINT_PROPAGATION, "true")
        conf.set(CONSTRAINT_PROPAGATION, "false")
        try:
            frame = self.con._session.sql(self.con.compile(expr)).localCheckpoint(eager=True)
        finally:
            conf.set(CONSTRAINT_PROPAGATION, previous)
        frame.createOrReplaceTempView(name)
        return self.con.table(name)

    def _read(self, name: str) -> ir.Table:
        folder = self.root / name
        # Derived tables are written whole; the others hold one partition per submission.
        files = "*.parquet" if name in DERIVED_TABLES else f"{PARTITION}=*/*.parquet"
        if not any(folder.glob(files)):
            return ibis.memtable(pa.Table.from_pylist([], schema=self.schemas[name].to_pyarrow()))
        return self.con.read_parquet(str(folder))

    def next_submission_id(self) -> int:
        return max(self._committed_ids(), default=0) + 1

    def release(self) -> None:
        for name in self._scratch:
            self.con._session.catalog.dropTempView(name)
        self._scratch.clear()
        self.con._session.catalog.clearCache()
        shutil.rmtree(self.root / STAGED, ignore_errors=True)

    def replace(self, tables: Mapping[str, Rows]) -> None:
        """Each table is written beside the old one, then all are swapped in; the old go last."""
        exprs = self._derived(tables)
        staging = self.root / "_staging" / "derived"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            for name, expr in exprs.items():
                self.con.to_parquet(expr, str(staging / name))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        retired = self.root / "_retired"
        retired.mkdir(exist_ok=True)
        for name in exprs:
            current = self.root / name
            if current.exists():
                current.rename(retired / name)
            (staging / name).rename(current)
        shutil.rmtree(retired, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        sid = self.next_submission_id()
        staging = self.root / "_staging" / str(sid)
        parts = itertools.count()

        def append(name: str, expr: ir.Table) -> None:
            columns = [c for c in self.schemas[name].names if c != PARTITION]
            folder = staging / name / str(next(parts))
            self.con.to_parquet(self.conform(name, expr).select(*columns), str(folder))

        writer = Writer(append)
        moved: list[Path] = []
        try:
            yield writer
            submission = writer.log_row()
            assert submission[PARTITION] == sid, "submission ids are given out one at a time"
            for table in sorted(staging.glob("*")) if staging.exists() else []:
                target = self.root / table.name / f"{PARTITION}={sid}"
                target.mkdir(parents=True, exist_ok=True)
                moved.append(target)
                for i, part in enumerate(sorted(table.glob("*/*.parquet"))):
                    part.rename(target / f"part-{i:05d}.parquet")
            self._write_log(sid, submission)
        except BaseException:
            for target in moved:
                shutil.rmtree(target, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _write_log(self, sid: int, submission: Mapping[str, Any]) -> None:
        """The commit point: the submission's log partition, written last."""
        log_dir = self.root / "submission" / f"{PARTITION}={sid}"
        log_dir.mkdir(parents=True, exist_ok=True)
        row = {k: v for k, v in submission.items() if k != PARTITION}
        schema = self.schemas["submission"].to_pyarrow()
        schema = schema.remove(schema.get_field_index(PARTITION))
        pq.write_table(pa.Table.from_pylist([row], schema=schema), log_dir / "part-0.parquet")
