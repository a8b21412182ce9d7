"""The person records to match: one per source person id, from every table with demographics."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.errors import UserError
from commontable.identity.fields import PERSON_FIELDS, normalised, with_name_keys
from commontable.warehouse import Warehouse

# Where each table keeps the person fields (the model's name -> the table's column), and the
# column that says which row is the most recent view of a person in that table.
SOURCES: dict[str, tuple[dict[str, str], str]] = {
    "eligibility": (
        {"sex": "gender", "zip": "zip_code", "ssn": "social_security_number"},
        "enrollment_start_date",
    ),
    "patient": ({"zip": "zip_code", "ssn": "social_security_number"}, "birth_date"),
    "adt_event": ({"zip": "zip_code", "ssn": "social_security_number"}, "event_datetime"),
}
# Kept for the person table's best-known demographics, not compared.
DESCRIPTIVE = ("race", "ethnicity", "death_date")
MATCH_FIELDS = tuple(f for f in PERSON_FIELDS if f != "address_2")


def record_id(source: ir.StringValue, source_id: ir.StringValue) -> ir.StringValue:
    """A record's id in matching: its member's data_source and its own id there."""
    return source.concat("|", source_id)


def _rows(warehouse: Warehouse, table: str) -> ir.Table:
    renames, recency = SOURCES[table]
    t = warehouse.table(table)
    fields = {f: t[renames.get(f, f)].cast("string") for f in MATCH_FIELDS}
    extra = {c: t[c] if c in t.columns else ibis.null("string") for c in DESCRIPTIVE}
    return t.select(
        data_source=t.data_source,
        source_person_id=t.person_id,
        **normalised(fields),
        race=extra["race"].cast("string"),
        ethnicity=extra["ethnicity"].cast("string"),
        death_date=extra["death_date"].cast("date"),
        _ingested=t.ingest_datetime,
        _recency=t[recency].cast("timestamp"),
    )


def source_records(warehouse: Warehouse) -> ir.Table:
    """record_id, data_source, source_person_id and the person fields, latest view per id.

    A source's own id is its first deterministic rule: all rows under one id are one person,
    described by the most recently received (then most recent) row.
    """
    parts = [_rows(warehouse, table) for table in SOURCES]
    rows = parts[0].union(*parts[1:])
    latest = ibis.row_number().over(
        group_by=[rows.data_source, rows.source_person_id],
        order_by=[ibis.desc(rows._ingested), ibis.desc(rows._recency)],
    )
    one = rows.mutate(_n=latest).filter(lambda t: t._n == 0).drop("_n", "_ingested", "_recency")
    one = one.mutate(record_id=record_id(one.data_source, one.source_person_id))
    return with_name_keys(one.relocate("record_id"))


def require_records(records: ir.Table) -> int:
    """The number of records; none is a user error (load person data first)."""
    count = int(records.count().execute())
    if count == 0:
        raise UserError(
            "nothing to match: the warehouse holds no eligibility, patient or adt_event rows; "
            "load member submissions first (`commontable load`)"
        )
    return count
