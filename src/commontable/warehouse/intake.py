"""Load a member's submission: read, validate, and commit all of it or none of it."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from commontable.errors import InvalidSubmission
from commontable.warehouse.contracts import CONTRACTS, Column, Contract
from commontable.warehouse.readers import (
    ROW_REF,
    Batch,
    Limits,
    Reading,
    RowProblem,
    read_files,
    submission_files,
)
from commontable.warehouse.readers.ahead import read_ahead
from commontable.warehouse.readers.memory import reusing_freed_memory
from commontable.warehouse.schema import LINEAGE, QUARANTINE, TYPES
from commontable.warehouse.store import Warehouse, Writer
from commontable.warehouse.validate import Lineage, Validated, validate

Progress = Callable[[str, int, int], None]


@dataclass
class SubmissionResult:
    """What happened to one submission, as the log records it."""

    submission_id: int | None
    data_source: str
    status: str  # loaded | rejected | unchanged
    files: list[dict[str, object]] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    tables: dict[str, int] = field(default_factory=dict)  # rows loaded per table
    table_seconds: dict[str, float] = field(default_factory=dict)  # checking and writing
    seconds: float = 0.0
    message: str = ""

    def summary(self) -> str:
        """The one line a command prints."""
        if self.status == "unchanged":
            return f"{self.data_source}: {self.message}"
        if self.status == "rejected":
            return (
                f"submission {self.submission_id} from {self.data_source} rejected: {self.message}"
            )
        return (
            f"submission {self.submission_id} from {self.data_source}: {len(self.files)} files, "
            f"{self.rows_read:,} rows read, {self.rows_loaded:,} loaded, "
            f"{self.rows_quarantined:,} quarantined in {self.seconds:.1f} s"
        )


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _content_hash(files: Sequence[dict[str, object]]) -> str:
    joined = "\n".join(f"{f['name']}:{f['sha256']}" for f in sorted(files, key=str))
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True)
class Admission:
    """What a member's submission must keep to: the tables it may not send, each with why
    (members.authority), and the limits on each file (readers.limits)."""

    refused: Mapping[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    # The payer values the member's eligibility and claims may name (lower case): its own;
    # a row naming another payer is quarantined. None: not checked.
    payers: frozenset[str] | None = None


PAID = ("eligibility", "medical_claim", "pharmacy_claim")  # tables whose rows name their payer


def load_submission(
    warehouse: Warehouse,
    path: Path,
    source: str,
    progress: Progress | None = None,
    admission: Admission | None = None,
) -> SubmissionResult:
    """Load one submission (a file or a folder of files) from the member `source`.

    Raises InvalidSubmission when a file cannot be accepted, or breaks the `admission` rules
    (a table the member may not send, a file over the limits); the rejection is logged and
    nothing from the submission is loaded. Re-sending identical content changes nothing.
    """
    started = time.perf_counter()
    began = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    paths = submission_files(path)
    root = path if path.is_dir() else path.parent
    sizes = [{"name": str(p.relative_to(root)), "bytes": p.stat().st_size} for p in paths]
    # The files are hashed beside the load; only content that may repeat an earlier
    # submission (the same file names and sizes) waits for its hashes before loading.
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="commontable-sha256") as hasher,
        reusing_freed_memory(),
    ):
        hashing = hasher.submit(_described, paths, sizes)
        earlier = _identical_earlier(warehouse, source, sizes, hashing)
        if earlier is not None:
            message = f"unchanged: identical to submission {earlier}, nothing loaded"
            return SubmissionResult(None, source, "unchanged", hashing.result(), message=message)
        rules = admission or Admission()
        return _load(warehouse, paths, source, hashing, began, started, progress, rules)


def _load(
    warehouse: Warehouse,
    paths: list[Path],
    source: str,
    hashing: Future[list[dict[str, object]]],
    began: datetime,
    started: float,
    progress: Progress | None,
    rules: Admission,
) -> SubmissionResult:
    submission_id = warehouse.next_submission_id()
    result = SubmissionResult(submission_id, source, "loaded")
    lineage = Lineage(source, submission_id, began)

    def log_row() -> dict[str, object]:
        result.files = hashing.result()
        return _log_row(result, _content_hash(result.files), began, started)

    try:
        with warehouse.transaction() as writer:
            for reading in read_ahead(read_files(paths, rules.limits)):
                _write(warehouse, writer, reading, lineage, result, progress, rules)
                warehouse.release()
            writer.log(log_row)
    except InvalidSubmission as error:
        warehouse.release()
        result.status, result.message = "rejected", str(error)
        with warehouse.transaction() as writer:
            writer.log(log_row)
        raise
    return result


def _described(paths: list[Path], sizes: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each file as the log records it: name, sha256 and size."""
    return [
        {"name": s["name"], "sha256": file_sha256(p), "bytes": s["bytes"]}
        for s, p in zip(sizes, paths, strict=True)
    ]


def _identical_earlier(
    warehouse: Warehouse,
    source: str,
    sizes: list[dict[str, object]],
    hashing: Future[list[dict[str, object]]],
) -> int | None:
    """The member's earlier loaded submission with the same content, if any. The hashes are
    waited for only when one had files of the same names and sizes (a size not logged counts
    as the same)."""
    log = warehouse.table("submission")
    loaded = log.filter((log.data_source == source) & (log.status == "loaded"))
    rows = warehouse.fetch(loaded.select("submission_id", "content_sha256", "files")).to_pylist()
    size_of = {str(f["name"]): f["bytes"] for f in sizes}

    def same_shape(files: str | None) -> bool:
        logged = {str(f["name"]): f.get("bytes") for f in json.loads(files or "[]")}
        return logged.keys() == size_of.keys() and all(
            logged[name] in (None, size) for name, size in size_of.items()
        )

    candidates = [row for row in rows if same_shape(row["files"])]
    if not candidates:
        return None
    content = _content_hash(hashing.result())
    same = [int(row["submission_id"]) for row in candidates if row["content_sha256"] == content]
    return min(same, default=None)


def _notify(progress: Progress | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)


def _write(
    warehouse: Warehouse,
    writer: Writer,
    reading: Reading,
    lineage: Lineage,
    result: SubmissionResult,
    progress: Progress | None,
    rules: Admission,
) -> None:
    """Validate a chunk of the submission and append its good rows and quarantine."""
    for batch in reading.batches:
        if batch.table in rules.refused:
            raise InvalidSubmission(batch.file_name, rules.refused[batch.table])
        _notify(progress, f"checking {batch.file_name} ({batch.table})", result.rows_read, 0)
        began = time.perf_counter()
        if rules.payers is not None and batch.table in PAID and "payer" in batch.rows.column_names:
            foreign = _set_aside_other_payers(batch, rules.payers, lineage)
            if foreign.num_rows:
                writer.append("quarantine", warehouse.stage(foreign))
                result.rows_read += foreign.num_rows
                result.rows_quarantined += foreign.num_rows
        checked: Validated = validate(warehouse, batch, lineage)
        result.rows_read += checked.rows_read
        result.rows_loaded += checked.rows_good
        result.rows_quarantined += checked.rows_read - checked.rows_good
        result.tables[batch.table] = result.tables.get(batch.table, 0) + checked.rows_good
        contract = CONTRACTS[batch.table]
        for name, expr in split_repeating(contract, checked.good, batch.rows.column_names).items():
            writer.append(name, expr)
        writer.append("quarantine", checked.quarantine)
        spent = time.perf_counter() - began
        result.table_seconds[batch.table] = result.table_seconds.get(batch.table, 0.0) + spent
    if reading.problems:
        writer.append("quarantine", warehouse.stage(_problem_rows(reading.problems, lineage)))
        unparsed = len({(p.file_name, p.row_ref) for p in reading.problems})
        result.rows_read += unparsed
        result.rows_quarantined += unparsed


def split_repeating(contract: Contract, good: ir.Table, sent: Sequence[str]) -> dict[str, ir.Table]:
    """The table's own columns, plus one long table per repeating group (diagnosis_code_1..25).

    `good` carries the wide columns that were sent; a field of a slot not sent is empty.
    """
    lineage = list(LINEAGE)
    outputs = {contract.name: good.select(*[c.name for c in contract.columns], *lineage)}

    def field(column: Column, slot: int) -> ir.Value:
        name = f"{column.name}_{slot}"
        value = good[name] if name in good.columns else ibis.null(TYPES[column.type])
        return value.name(column.name)

    for group in contract.repeating:
        first = group.prefix_fields[0].name
        slots = [i for i in range(1, group.count + 1) if f"{first}_{i}" in sent]
        if not slots:
            continue
        # one pass over the rows: each row's filled slots unnested, not one scan per slot
        entries = ibis.array(
            [
                ibis.struct(
                    {
                        group.sequence_column: ibis.literal(i, type="int64"),
                        **{f.name: field(f, i) for f in group.prefix_fields},
                    }
                )
                for i in slots
            ]
        )
        long = good.select(*group.key, *lineage, _slot=entries.unnest())
        long = long.filter(long._slot[first].notnull())
        outputs[group.stored_as] = long.select(
            *group.key,
            long._slot[group.sequence_column].name(group.sequence_column),
            *[long._slot[f.name].name(f.name) for f in group.prefix_fields],
            *lineage,
        ).distinct()
    return outputs


def _set_aside_other_payers(batch: Batch, payers: frozenset[str], lineage: Lineage) -> pa.Table:
    """Take the rows naming a payer other than the sender out of `batch`; they are returned as
    quarantine rows (a payer's eligibility and claims come from that payer)."""
    payer = batch.rows["payer"]
    own = pc.fill_null(pc.is_in(pc.utf8_lower(payer), value_set=pa.array(sorted(payers))), True)
    own = pc.or_(own, pc.equal(payer, ""))  # no payer at all: the contract's check says so
    other = batch.rows.filter(pc.invert(own))
    batch.rows = batch.rows.filter(own)
    n = other.num_rows
    reason = "names another payer: a payer's eligibility and claims come from that payer only"

    def repeated(value: str) -> pa.Array:
        return pa.array([value] * n, pa.string())

    columns = {
        "data_source": repeated(lineage.data_source),
        "file_name": repeated(batch.file_name),
        "table_name": repeated(batch.table),
        "row_ref": other[ROW_REF].combine_chunks(),
        "column_name": repeated("payer"),
        "value": other["payer"].combine_chunks(),
        "reason": repeated(reason),
        "submission_id": pa.array([lineage.submission_id] * n, pa.int64()),
    }
    return pa.table(columns, schema=QUARANTINE.to_pyarrow())


def _problem_rows(problems: list[RowProblem], lineage: Lineage) -> pa.Table:
    rows = [
        {
            "data_source": lineage.data_source,
            "file_name": p.file_name,
            "table_name": p.table,
            "row_ref": p.row_ref,
            "column_name": p.column,
            "value": p.value,
            "reason": p.reason,
            "submission_id": lineage.submission_id,
        }
        for p in problems
    ]
    return pa.Table.from_pylist(rows, schema=QUARANTINE.to_pyarrow())


def _log_row(
    result: SubmissionResult, content: str, began: datetime, started: float
) -> dict[str, object]:
    """The log row, timed when it is written: everything but the final commit is counted."""
    result.seconds = time.perf_counter() - started
    return {
        "submission_id": result.submission_id,
        "data_source": result.data_source,
        "status": result.status,
        "content_sha256": content,
        "files": json.dumps(result.files),
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded if result.status == "loaded" else 0,
        "rows_quarantined": result.rows_quarantined if result.status == "loaded" else 0,
        "tables": json.dumps(
            {
                t: {"rows": n, "seconds": round(result.table_seconds.get(t, 0.0), 3)}
                for t, n in result.tables.items()
            }
        ),
        "started_at": began,
        "seconds": round(result.seconds, 3),
        "message": result.message,
    }


def submissions_in(path: Path) -> list[tuple[str, Path]]:
    """A sources folder of member folders gives one submission per folder, named after it."""
    if path.is_dir():
        entries = [p for p in sorted(path.iterdir()) if not p.name.startswith(".")]
        if entries and all(p.is_dir() for p in entries):
            return [(p.name, p) for p in entries]
    return [(path.stem if path.is_file() else path.name, path)]
