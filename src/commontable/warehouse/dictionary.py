"""Documents generated from the contracts: the data dictionary and CSV templates for submitters."""

from __future__ import annotations

import csv
from pathlib import Path

from commontable.warehouse.contracts import CONTRACTS, Contract
from commontable.warehouse.contracts.model import LINEAGE_COLUMNS


def data_dictionary() -> str:
    """The data dictionary as Markdown, one section per table."""
    lines = [
        "# CommonTable data dictionary",
        "",
        "Generated from the table contracts (`commontable dictionary`); do not edit by hand.",
        "Every stored row also carries " + ", ".join(f"`{c}`" for c in LINEAGE_COLUMNS) + ",",
        "which intake adds. Dates are `YYYY-MM-DD`, date-times `YYYY-MM-DD HH:MM:SS`,",
        "booleans `true`/`false`. Codes are checked against the code system named in the rule.",
        "",
    ]
    for contract in CONTRACTS.values():
        lines += _section(contract)
    return "\n".join(lines) + "\n"


def _section(contract: Contract) -> list[str]:
    lines = [
        f"## {contract.name}",
        "",
        contract.description,
        "",
        f"Key: {', '.join(contract.key)}. Source: {contract.source}.",
        "",
        "| column | required | rule | description |",
        "| --- | --- | --- | --- |",
    ]
    for column in contract.columns:
        required = "yes" if column.required else ""
        lines.append(f"| `{column.name}` | {required} | {column.rule()} | {column.description} |")
    for group in contract.repeating:
        names = ", ".join(f"`{f.name}_1`..`{f.name}_{group.count}`" for f in group.prefix_fields)
        rules = "; ".join(f.rule() for f in group.prefix_fields)
        lines.append(
            f"| {names} | | {rules} | kept long in `{group.stored_as}` "
            f"(one row per filled slot, `{group.sequence_column}`) |"
        )
    for earlier, later in contract.ordered:
        lines.append(f"\n`{later}` may not be before `{earlier}`.")
    return [*lines, ""]


def write_templates(directory: Path) -> list[Path]:
    """One header-only CSV per table, in the column order the contract declares."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in CONTRACTS.values():
        path = directory / f"{contract.name}.csv"
        with path.open("w", newline="") as handle:
            csv.writer(handle).writerow([c.name for c in contract.submitted_columns])
        written.append(path)
    return written
