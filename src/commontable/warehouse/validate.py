"""Validate a batch against its contract in the engine: typed good rows, quarantined bad ones."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from commontable.errors import InvalidSubmission
from commontable.warehouse.checks import Refused, check_column, npi_check_digit_ok, typed_value
from commontable.warehouse.contracts import CONTRACTS, Contract
from commontable.warehouse.contracts.codes import CodeSystem
from commontable.warehouse.readers.base import ROW_REF, Batch
from commontable.warehouse.reference import unknown_codes
from commontable.warehouse.schema import QUARANTINE, TYPES
from commontable.warehouse.store import Warehouse

ROW_INDEX = "_row_index"
MAX_REFUSED = 10_000  # refused values written into the row checks; beyond, rules run per row


@dataclass(frozen=True)
class Lineage:
    """Where rows came from; stamped on every stored row."""

    data_source: str
    submission_id: int
    ingest_datetime: datetime


@dataclass
class Validated:
    """A checked batch: good rows typed as the contract says, and one quarantine row per problem."""

    table: str
    file_name: str
    good: ir.Table
    quarantine: ir.Table
    rows_read: int
    rows_good: int


def check_header(contract: Contract, file_name: str, columns: list[str]) -> None:
    """Reject a file whose columns do not fit the contract, saying what to fix."""
    known = {c.name for c in contract.submitted_columns}
    unknown = [c for c in columns if c not in known and c != ROW_REF]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=1)
            hints.append(f"'{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
        raise InvalidSubmission(
            file_name,
            f"unknown column {', '.join(hints)} for table {contract.name}; "
            "see `commontable templates` for the expected header",
        )
    missing = [c for c in contract.required_columns if c not in columns]
    if missing:
        raise InvalidSubmission(
            file_name,
            f"missing required column {', '.join(missing)} for table {contract.name}; "
            "add the column (it may not be empty)",
        )


def validate(warehouse: Warehouse, batch: Batch, lineage: Lineage) -> Validated:
    """Check every row of a batch; nothing here loops over rows in Python.

    One pass computes every rule and keeps only the refused rows; the good rows are then
    typed straight from the staged text, so no full-width intermediate copy is written.
    """
    contract = CONTRACTS[batch.table]
    present = [c for c in batch.rows.column_names if c != ROW_REF]
    check_header(contract, batch.file_name, present)
    rows = batch.rows.append_column(ROW_INDEX, pa.array(range(batch.rows.num_rows), pa.int64()))
    raw = warehouse.scan(rows, f"raw_{contract.name}")

    refused = _refused_values(warehouse, raw, contract, present)
    checked_columns = {name: check_column(raw[name], contract.column(name), refused.get(name))
                       for name in present}  # fmt: skip
    values: dict[str, ir.Value] = {n: c.value for n, c in checked_columns.items()}
    # (column named in the quarantine, reason expression), one entry per rule
    errors = [(n, c.error) for n, c in checked_columns.items()]
    errors += _order_errors(contract, values, present)
    source, duplicates = _duplicate_key_error(warehouse, contract, raw, values, present)
    errors += duplicates
    error_cols = {f"_err_{i}": e for i, (_, e) in enumerate(errors)}
    checks = source.select(
        raw[ROW_INDEX],
        raw[ROW_REF],
        *[e.name(n) for n, e in error_cols.items()],
        *[raw[n].name(f"_raw_{n}") for n in present],
    )
    has_error = [checks[n].notnull() for n in error_cols]
    bad = ibis.or_(*has_error) if has_error else ibis.literal(False)
    bad_rows = warehouse.materialize(checks.filter(bad), f"bad_{contract.name}")
    rows_bad = warehouse.fetch(bad_rows.select(ROW_INDEX)).num_rows
    kept = raw.anti_join(bad_rows.select(ROW_INDEX), ROW_INDEX) if rows_bad else raw
    typed = kept.select(*[typed_value(kept[n], contract.column(n)).name(n) for n in present])
    good = _stamp(typed, contract, present, batch.file_name, lineage)
    quarantine = _quarantine(bad_rows, errors, error_cols, batch, lineage)
    rows_good = rows.num_rows - rows_bad
    return Validated(contract.name, batch.file_name, good, quarantine, rows.num_rows, rows_good)


def _refused_values(
    warehouse: Warehouse, raw: ir.Table, contract: Contract, present: list[str]
) -> dict[str, Refused]:
    """Per column with a reference list or a check digit, the distinct values that fail it.

    Checked once on the distinct values of the batch (a few thousand NPIs for a million claim
    lines), the row checks then only look values up.
    """
    by_system: dict[CodeSystem, list[str]] = {}
    for name in present:
        system = contract.column(name).code_system
        if system and (system.reference_list or system.check):
            by_system.setdefault(system, []).append(name)
    refused: dict[str, Refused] = {}
    for system, names in by_system.items():
        # a value's check depends on its text alone: each distinct text is normalised once
        texts = [(raw.select(code=raw[n]).distinct(), contract.column(n)) for n in names]
        normalised = [t.select(code=check_column(t.code, c).value) for t, c in texts]
        values = ibis.union(*normalised, distinct=True)
        values = values.filter(values.code.re_search(system.pattern))
        unknown = None
        if system.reference_list:
            unknown = unknown_codes(warehouse, values, system.reference_list)
        wrong = None
        if system.check == "npi_luhn":
            failing = values.filter(~npi_check_digit_ok(values.code)).select("code")
            found = sorted(warehouse.fetch(failing).column("code").to_pylist())
            wrong = found if len(found) <= MAX_REFUSED else None  # else checked row by row
        refused.update({n: Refused(unknown, wrong) for n in names})
    return refused


def _order_errors(
    contract: Contract, values: dict[str, ir.Value], present: list[str]
) -> list[tuple[str, ir.StringValue]]:
    errors = []
    for earlier, later in contract.ordered:
        if earlier in present and later in present:
            wrong = values[later] < values[earlier]
            reason = f"{later} is before {earlier}"
            errors.append((later, ibis.cases((wrong, reason), else_=ibis.null(str))))
    return errors


def _duplicate_key_error(
    warehouse: Warehouse,
    contract: Contract,
    raw: ir.Table,
    values: dict[str, ir.Value],
    present: list[str],
) -> tuple[ir.Table, list[tuple[str, ir.StringValue]]]:
    """Rows whose key an earlier row of the batch already has: the batch joined to its keys
    seen more than once (one aggregate, cheaper than numbering every row in a window)."""
    if not all(k in present for k in contract.key):
        return raw, []
    keys = [values[k] for k in contract.key]
    names = [f"_key_{i}" for i in range(len(keys))]
    repeated = warehouse.materialize(
        raw.group_by([k.name(n) for k, n in zip(keys, names, strict=True)])
        .agg(_first_row=raw[ROW_INDEX].min(), _rows=raw.count())
        .filter(ibis._._rows > 1)
        .select(*names, "_first_row"),
        f"repeated_{contract.name}",
    )
    joined = raw.left_join(repeated, [k == repeated[n] for k, n in zip(keys, names, strict=True)])
    complete = ibis.and_(*[k.notnull() for k in keys])
    later = joined._first_row.notnull() & (raw[ROW_INDEX] > joined._first_row)
    reason = f"duplicate {', '.join(contract.key)}: an earlier row of this file has the same values"
    error = ibis.cases((complete & later, reason), else_=ibis.null(str))
    return joined, [(",".join(contract.key), error)]


def _stamp(
    good: ir.Table, contract: Contract, present: list[str], file_name: str, lineage: Lineage
) -> ir.Table:
    """Good rows with every contract column (absent ones empty), the wide columns sent, and the
    lineage columns."""
    columns = [
        good[c.name] if c.name in present else ibis.null(TYPES[c.type]).name(c.name)
        for c in contract.columns
    ]
    wide = [
        c.name for c in contract.submitted_columns[len(contract.columns) :] if c.name in present
    ]
    return good.select(
        *columns,
        *wide,
        ibis.literal(lineage.data_source).name("data_source"),
        ibis.literal(file_name).name("file_name"),
        ibis.literal(lineage.ingest_datetime).name("ingest_datetime"),
        ibis.literal(lineage.submission_id, type="int64").name("submission_id"),
    )


def _quarantine(
    bad: ir.Table,
    errors: list[tuple[str, ir.StringValue]],
    error_cols: dict[str, ir.StringValue],
    batch: Batch,
    lineage: Lineage,
) -> ir.Table:
    """One row per refused value (each once): row reference, column, the value as sent, and why.

    A refused row's rules are unnested in one pass, not read once per rule.
    """
    if not error_cols:
        empty = pa.Table.from_pylist([], schema=QUARANTINE.to_pyarrow())
        return ibis.memtable(empty)
    entries = []
    for (name, _), err in zip(errors, error_cols, strict=True):
        raw_name = f"_raw_{name.split(',')[0]}"
        value = bad[raw_name] if raw_name in bad.columns else ibis.null(str)
        entries.append(
            ibis.struct({"column_name": ibis.literal(name), "value": value, "reason": bad[err]})
        )
    refused = bad.select(bad[ROW_REF], entry=ibis.array(entries).unnest())
    refused = refused.filter(refused.entry.reason.notnull())
    return refused.select(
        data_source=ibis.literal(lineage.data_source),
        file_name=ibis.literal(batch.file_name),
        table_name=ibis.literal(batch.table),
        row_ref=refused[ROW_REF],
        column_name=refused.entry.column_name,
        value=refused.entry.value,
        reason=refused.entry.reason,
        submission_id=ibis.literal(lineage.submission_id, type="int64"),
    ).distinct()
