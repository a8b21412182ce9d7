"""What a table contract is: columns with a type, whether required, and what values are allowed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from commontable.warehouse.contracts.codes import CodeSystem

ColumnType = Literal["string", "date", "timestamp", "integer", "decimal", "boolean"]

# The columns intake adds to every row; submitters never send them.
LINEAGE_COLUMNS = ("data_source", "file_name", "ingest_datetime", "submission_id")
DEFAULT_MAX_LENGTH = 1024


@dataclass(frozen=True)
class Column:
    """One column a submitter sends, and the rule its values must follow."""

    name: str
    type: ColumnType = "string"
    required: bool = False
    description: str = ""
    allowed: tuple[str, ...] | None = None
    code_system: CodeSystem | None = None
    max_length: int = DEFAULT_MAX_LENGTH

    def rule(self) -> str:
        """The rule in words, for the data dictionary."""
        parts: list[str] = [self.type]
        if self.allowed:
            parts.append("one of: " + ", ".join(f"`{v}`" for v in self.allowed))
        if self.code_system:
            parts.append(self.code_system.name)
        return "; ".join(parts)


@dataclass(frozen=True)
class RepeatingGroup:
    """Numbered columns (diagnosis_code_1..25) that are stored long, one row per filled slot."""

    prefix_fields: tuple[Column, ...]  # each column's name is a prefix: diagnosis_code -> _1.._N
    count: int
    stored_as: str  # the long table
    sequence_column: str
    key: tuple[str, ...]  # columns of the parent copied to each long row

    def wide_columns(self) -> tuple[Column, ...]:
        return tuple(
            Column(
                f"{c.name}_{i}",
                c.type,
                False,
                f"{c.description} (slot {i} of {self.count})",
                c.allowed,
                c.code_system,
                c.max_length,
            )
            for i in range(1, self.count + 1)
            for c in self.prefix_fields
        )


@dataclass(frozen=True)
class Contract:
    """A canonical table: what a submitter sends and how it is kept in the warehouse."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    source: str = "CommonTable"
    repeating: tuple[RepeatingGroup, ...] = field(default=())
    # Pairs (earlier, later) of date columns whose order is checked on every row.
    ordered: tuple[tuple[str, str], ...] = field(default=())

    @property
    def submitted_columns(self) -> tuple[Column, ...]:
        """Every column a submitter may send, wide repeating columns included."""
        wide = tuple(c for group in self.repeating for c in group.wide_columns())
        return self.columns + wide

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.submitted_columns:
            if c.name == name:
                return c
        raise KeyError(name)
