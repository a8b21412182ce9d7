"""How each table is kept in the warehouse: typed columns, lineage, and the intake log tables."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

from commontable.warehouse.contracts import CONTRACTS, Contract, RepeatingGroup
from commontable.warehouse.contracts.model import ColumnType

TYPES: dict[ColumnType, dt.DataType] = {
    "string": dt.string,
    "date": dt.date,
    "timestamp": dt.timestamp,
    "integer": dt.int64,
    "decimal": dt.Decimal(18, 2),
    "boolean": dt.boolean,
}

LINEAGE: dict[str, dt.DataType] = {
    "data_source": dt.string,
    "file_name": dt.string,
    "ingest_datetime": dt.timestamp,
    "submission_id": dt.int64,
}

SUBMISSION = ibis.schema(
    {
        "submission_id": dt.int64,
        "data_source": dt.string,
        "status": dt.string,  # loaded | rejected
        "content_sha256": dt.string,
        "files": dt.string,  # JSON: [{"name", "sha256", "bytes", "format", "rows"}]
        "rows_read": dt.int64,
        "rows_loaded": dt.int64,
        "rows_quarantined": dt.int64,
        "tables": dt.string,  # JSON: {"table": {"rows": loaded, "seconds": checking+writing}}
        "started_at": dt.timestamp,
        "seconds": dt.float64,
        "message": dt.string,
    }
)

QUARANTINE = ibis.schema(
    {
        "data_source": dt.string,
        "file_name": dt.string,
        "table_name": dt.string,
        "row_ref": dt.string,
        "column_name": dt.string,
        "value": dt.string,
        "reason": dt.string,
        "submission_id": dt.int64,
    }
)

LOG_TABLES = {"submission": SUBMISSION, "quarantine": QUARANTINE}


def long_schema(group: RepeatingGroup, parent: Contract) -> ibis.Schema:
    """The long table a repeating group is kept in: parent key, sequence, one column per field."""
    fields: dict[str, dt.DataType] = {k: TYPES[parent.column(k).type] for k in group.key}
    fields[group.sequence_column] = dt.int64
    fields.update({f.name: TYPES[f.type] for f in group.prefix_fields})
    return ibis.schema({**fields, **LINEAGE})


def contract_schema(contract: Contract) -> ibis.Schema:
    """The stored columns of a canonical table: its own columns (not the wide ones) plus lineage."""
    return ibis.schema({**{c.name: TYPES[c.type] for c in contract.columns}, **LINEAGE})


def storage_schemas() -> dict[str, ibis.Schema]:
    """Every table intake writes, by name."""
    schemas: dict[str, ibis.Schema] = dict(LOG_TABLES)
    for contract in CONTRACTS.values():
        schemas[contract.name] = contract_schema(contract)
        for group in contract.repeating:
            schemas[group.stored_as] = long_schema(group, contract)
    return schemas
