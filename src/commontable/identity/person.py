"""The person table: each person's best-known demographics, and the pairs left for review."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.identity.records import record_id
from commontable.warehouse import REVIEW_DEMOGRAPHICS

# Each field of the person table and the record column it is taken from.
PERSON_COLUMNS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "birth_date": "birth_date",
    "sex": "sex",
    "race": "race",
    "ethnicity": "ethnicity",
    "death_date": "death_date",
    "address": "address",
    "city": "city",
    "state": "state",
    "zip_code": "zip",
    "phone": "phone",
}
UNKNOWN = ("unknown", "")  # values that say nothing about the person


def _most_common(records: ir.Table, column: str) -> ir.Table:
    """person_id and the value its records give most often (ties: the smallest value)."""
    known = records.filter(records[column].notnull())
    if records[column].type().is_string():
        known = known.filter(~known[column].isin(UNKNOWN))
    counted = known.group_by(["person_id", column]).agg(n=known.count())
    ranked = counted.mutate(
        rank=ibis.row_number().over(
            group_by="person_id", order_by=[ibis.desc("n"), ibis.asc(column)]
        )
    )
    return ranked.filter(ranked["rank"] == 0).select("person_id", column)


def best_demographics(records: ir.Table, crosswalk: ir.Table) -> ir.Table:
    """One row per person: the most common value of each field across its records."""
    linked = records.join(crosswalk, ["data_source", "source_person_id"])
    person = linked.group_by("person_id").agg(
        records=linked.count(), data_sources=linked.data_source.nunique()
    )
    for column in dict.fromkeys(PERSON_COLUMNS.values()):
        person = person.left_join(_most_common(linked, column), "person_id").drop("person_id_right")
    return person.select(
        "person_id",
        **{name: person[column] for name, column in PERSON_COLUMNS.items()},
        records=person.records,
        data_sources=person.data_sources,
    ).mutate(
        birth_date=lambda t: t.birth_date.cast("date"),
        # Back to the canonical vocabulary the contracts use (matching compares M and F).
        sex=lambda t: t.sex.substitute({"M": "male", "F": "female"}),
    )


def review_pairs(
    crosswalk: ir.Table, edges: ir.Table, review_low: float, threshold: float
) -> ir.Table:
    """Pairs of different persons a reviewer should see, best pair per two persons.

    Uncertain pairs score between `review_low` and the threshold; pairs above the threshold
    that still belong to two persons would merge existing persons, which only a reviewer may do.
    """
    side = crosswalk.select("data_source", "source_person_id", "person_id").mutate(
        record_id=lambda t: record_id(t.data_source, t.source_person_id)
    )
    left = side.rename(lambda c: f"{c}_l")
    right = side.rename(lambda c: f"{c}_r")
    pairs = edges.filter(edges.match_probability >= review_low)
    pairs = pairs.join(left, "record_id_l").join(right, "record_id_r")
    pairs = pairs.filter(pairs.person_id_l != pairs.person_id_r)
    low = ibis.least(pairs.person_id_l, pairs.person_id_r)
    high = ibis.greatest(pairs.person_id_l, pairs.person_id_r)
    ranked = pairs.mutate(
        rank=ibis.row_number().over(
            group_by=[low, high],
            order_by=[ibis.desc("match_probability"), "record_id_l", "record_id_r"],
        )
    )
    best = ranked.filter(ranked["rank"] == 0)
    reason = ibis.ifelse(
        best.match_probability >= threshold,
        "would merge two existing persons",
        "uncertain: between the review and match thresholds",
    )
    return best.select(
        "data_source_l",
        "source_person_id_l",
        "person_id_l",
        "data_source_r",
        "source_person_id_r",
        "person_id_r",
        "match_probability",
        reason=reason,
    ).order_by(ibis.desc("match_probability"))


def review_records(records: ir.Table, review: ir.Table) -> ir.Table:
    """The demographics of the records in the review queue (never the SSN): the review pages
    show pairs from these, so they need not read every record while a load runs."""
    ids = review.select(record_id=record_id(review.data_source_l, review.source_person_id_l)).union(
        review.select(record_id=record_id(review.data_source_r, review.source_person_id_r))
    )
    return records.semi_join(ids, "record_id").select("record_id", *REVIEW_DEMOGRAPHICS)
