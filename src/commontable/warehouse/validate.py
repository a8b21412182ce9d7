"""Validate a batch against its contract in the engine: typed good rows, quarantined bad ones."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from commontable.errors import InvalidSubmission
from commontable.warehouse.checks import check_column
from commontable.warehouse.contracts import CONTRACTS, Contract
from commontable.warehouse.readers.base import ROW_REF, Batch
from commontable.warehouse.reference import unknown_codes
from commontable.warehouse.schema import QUARANTINE, TYPES
from commontable.warehouse.store import Warehouse

ROW_INDEX = "_row_index"


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
    """Check every row of a batch; nothing here loops over rows in Python."""
    contract = CONTRACTS[batch.table]
    present = [c for c in batch.rows.column_names if c != ROW_REF]
    check_header(contract, batch.file_name, present)
    rows = trimmed(batch.rows).append_column(
        ROW_INDEX, pa.array(range(batch.rows.num_rows), pa.int64())
    )
    raw = warehouse.stage(rows, f"raw_{contract.name}")

    unknown = _unknown_codes(warehouse, raw, contract, present)
    checked_columns = {name: check_column(raw[name], contract.column(name), unknown.get(name))
                       for name in present}  # fmt: skip
    values: dict[str, ir.Value] = {n: c.value for n, c in checked_columns.items()}
    # (column named in the quarantine, reason expression), one entry per rule
    errors = [(n, c.error) for n, c in checked_columns.items()]
    errors += _order_errors(contract, values, present)
    errors += _duplicate_key_error(contract, raw, values, present)
    error_cols = {f"_err_{i}": e for i, (_, e) in enumerate(errors)}
    checked = warehouse.materialize(
        raw.select(
            raw[ROW_INDEX],
            raw[ROW_REF],
            *[v.name(n) for n, v in values.items()],
            *[e.name(n) for n, e in error_cols.items()],
        ),
        f"checked_{contract.name}",
    )
    # Reasons are computed once above; here only their presence is tested.
    has_error = [checked[n].notnull() for n in error_cols]
    bad = ibis.or_(*has_error) if has_error else ibis.literal(False)
    good = _stamp(checked.filter(~bad), contract, present, batch.file_name, lineage)
    bad_rows = warehouse.materialize(
        checked.filter(bad)
        .select(ROW_INDEX, *error_cols)
        .join(raw.rename({f"_raw_{n}": n for n in present}), ROW_INDEX),
        f"bad_{contract.name}",
    )
    quarantine = _quarantine(bad_rows, errors, error_cols, batch, lineage)
    rows_good = int(good.count().execute())
    return Validated(contract.name, batch.file_name, good, quarantine, rows.num_rows, rows_good)


def trimmed(rows: pa.Table) -> pa.Table:
    """Every text value without surrounding white space, trimmed once in Arrow for all backends."""
    columns = [
        pc.utf8_trim_whitespace(rows[name]) if name != ROW_REF else rows[name]
        for name in rows.column_names
    ]
    return pa.table(columns, names=rows.column_names)


def _unknown_codes(
    warehouse: Warehouse, raw: ir.Table, contract: Contract, present: list[str]
) -> dict[str, list[str]]:
    """Per column with a reference list, the distinct values the list does not know."""
    by_list: dict[str, list[str]] = {}
    for name in present:
        system = contract.column(name).code_system
        if system and system.reference_list:
            by_list.setdefault(system.reference_list, []).append(name)
    unknown: dict[str, list[str]] = {}
    for reference_list, names in by_list.items():
        system = contract.column(names[0]).code_system
        assert system is not None
        normalised = [check_column(raw[n], contract.column(n)).value.name("code") for n in names]
        values = ibis.union(*[raw.select(v) for v in normalised])
        values = values.filter(values.code.re_search(system.pattern))
        missing = unknown_codes(warehouse, values, reference_list)
        unknown.update({n: missing for n in names})
    return unknown


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
    contract: Contract, raw: ir.Table, values: dict[str, ir.Value], present: list[str]
) -> list[tuple[str, ir.StringValue]]:
    if not all(k in present for k in contract.key):
        return []
    keys = [values[k] for k in contract.key]
    rank = ibis.row_number().over(group_by=keys, order_by=raw[ROW_INDEX])
    complete = ibis.and_(*[k.notnull() for k in keys])
    reason = f"duplicate {', '.join(contract.key)}: an earlier row of this file has the same values"
    error = ibis.cases((complete & (rank > 0), reason), else_=ibis.null(str))
    return [(",".join(contract.key), error)]


def _stamp(
    good: ir.Table, contract: Contract, present: list[str], file_name: str, lineage: Lineage
) -> ir.Table:
    """Good rows with every contract column (absent ones empty) and the lineage columns."""
    columns = [
        good[c.name] if c.name in present else ibis.null(TYPES[c.type]).name(c.name)
        for c in contract.submitted_columns
    ]
    return good.select(
        *columns,
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
    """One row per refused value: row reference, column, the value as sent, and why."""
    parts = []
    for (name, _), err in zip(errors, error_cols, strict=True):
        raw_name = f"_raw_{name.split(',')[0]}"
        value = bad[raw_name] if raw_name in bad.columns else ibis.null(str)
        parts.append(
            bad.filter(bad[err].notnull()).select(
                data_source=ibis.literal(lineage.data_source),
                file_name=ibis.literal(batch.file_name),
                table_name=ibis.literal(batch.table),
                row_ref=bad[ROW_REF],
                column_name=ibis.literal(name),
                value=value,
                reason=bad[err],
                submission_id=ibis.literal(lineage.submission_id, type="int64"),
            )
        )
    if not parts:
        empty = pa.Table.from_pylist([], schema=QUARANTINE.to_pyarrow())
        return ibis.memtable(empty)
    return ibis.union(*parts)
