"""What every reader returns: raw text rows per canonical table, plus rows it could not parse."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

# Column every batch carries: where the row came from, as the submitter would find it
# (CSV line number, FHIR resource id, HL7 message control id).
ROW_REF = "_row_ref"


@dataclass(frozen=True)
class RowProblem:
    """A row a reader could not turn into canonical columns, with the reason."""

    file_name: str
    row_ref: str
    reason: str
    table: str | None = None
    column: str | None = None
    value: str | None = None


@dataclass
class Batch:
    """Rows of one canonical table from one file: every column is text, named as in the contract.

    Columns a file does not carry are simply absent; validation treats them as empty.
    """

    table: str
    file_name: str
    rows: pa.Table


@dataclass
class Reading:
    """All a reader got from a set of files: batches to validate and rows it could not parse."""

    batches: list[Batch] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def extend(self, other: Reading) -> None:
        self.batches.extend(other.batches)
        self.problems.extend(other.problems)


def text_table(columns: dict[str, list[str | None]]) -> pa.Table:
    """An Arrow table of string columns from plain lists (readers build rows column by column)."""
    return pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})


def trimmed(rows: pa.Table) -> pa.Table:
    """Every text value without surrounding white space, trimmed once in Arrow for all backends."""
    columns = [
        pc.utf8_trim_whitespace(rows[name]) if name != ROW_REF else rows[name]
        for name in rows.column_names
    ]
    return pa.table(columns, names=rows.column_names)
