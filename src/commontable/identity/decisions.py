"""Reviewers' decisions on pairs of records: the same person (merge) or not (split).

Decisions are kept in the warehouse's `match_decision` table and applied on every run, after
the model: a "different" pair is never linked again (and, if the two records share a person,
the right-hand record leaves it); a "same" pair merges the two persons into the older id.
"""

from __future__ import annotations

from datetime import UTC, datetime

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from commontable.errors import UserError
from commontable.identity.assign import ID_PREFIX, connected, person_ids
from commontable.identity.engine import MatchEngine
from commontable.identity.records import record_id
from commontable.warehouse import Warehouse

DECISIONS = ("same", "different")


def parse_record(text: str) -> tuple[str, str]:
    """DATA_SOURCE:SOURCE_PERSON_ID as (data_source, source_person_id).

    Split at the first colon: member names are slugs, but a member's own ids may hold colons.
    """
    source, colon, source_id = text.strip().partition(":")
    if not colon or not source or not source_id:
        raise UserError(f"'{text}' should look like DATA_SOURCE:SOURCE_PERSON_ID")
    return source, source_id


def latest(decisions: ir.Table) -> ir.Table:
    """The last decision per pair of records (either order), as record_id_l/_r and decision."""
    a = record_id(decisions.data_source_l, decisions.source_person_id_l)
    b = record_id(decisions.data_source_r, decisions.source_person_id_r)
    pairs = decisions.select(
        record_id_l=a,
        record_id_r=b,
        low=ibis.least(a, b),
        high=ibis.greatest(a, b),
        decision=decisions.decision,
        decision_id=decisions.decision_id,
    )
    ranked = pairs.mutate(
        rank=ibis.row_number().over(group_by=["low", "high"], order_by=ibis.desc("decision_id"))
    )
    return ranked.filter(ranked["rank"] == 0).select(
        "record_id_l", "record_id_r", "low", "high", "decision"
    )


def without_rejected(edges: ir.Table, decided: ir.Table) -> ir.Table:
    """Scored pairs minus those a reviewer said are different people (never linked again)."""
    different = decided.filter(decided.decision == "different").select(
        record_id_l="low", record_id_r="high"
    )
    return edges.anti_join(different, ["record_id_l", "record_id_r"])


def apply(engine: MatchEngine, crosswalk: ir.Table, decided: ir.Table) -> ir.Table:
    """The crosswalk after the reviewers' splits, then merges; changed records say `reviewer`."""
    keyed = crosswalk.mutate(record_id=record_id(crosswalk.data_source, crosswalk.source_person_id))
    side = keyed.select("record_id", "person_id")

    # Splits: a "different" pair still sharing a person -> the right-hand record leaves.
    different = decided.filter(decided.decision == "different")
    both = different.join(side.rename(record_id_l="record_id", person_l="person_id"), "record_id_l")
    both = both.join(side.rename(record_id_r="record_id", person_r="person_id"), "record_id_r")
    leaving = both.filter(both.person_l == both.person_r).select(record_id="record_id_r").distinct()
    last = keyed.person_id.substr(len(ID_PREFIX)).cast("int64").max().as_scalar()
    ranked = leaving.mutate(n=ibis.dense_rank().over(order_by="record_id"))
    fresh = ranked.select("record_id", new_person=person_ids(ranked.n + 1 + ibis.coalesce(last, 0)))
    split = keyed.left_join(fresh, "record_id").drop("record_id_right")
    split = split.mutate(
        person_id=split.new_person.coalesce(split.person_id),
        moved=split.new_person.notnull(),
    ).drop("new_person")

    # Merges: persons joined by "same" pairs become one, under the smallest (oldest) id.
    same = decided.filter(decided.decision == "same")
    now_side = split.select("record_id", "person_id")
    links = same.join(now_side.rename(record_id_l="record_id", person_l="person_id"), "record_id_l")
    links = links.join(
        now_side.rename(record_id_r="record_id", person_r="person_id"), "record_id_r"
    )
    links = links.filter(links.person_l != links.person_r).select(
        record_id_l="person_l", record_id_r="person_r"
    )
    persons = links.select(record_id="record_id_l").union(links.select(record_id="record_id_r"))
    groups = connected(engine, persons.distinct(), links)
    survivor = groups.group_by("cluster_id").agg(survivor=groups.record_id.min())
    renamed = groups.join(survivor, "cluster_id").select(old="record_id", survivor="survivor")
    merged = split.left_join(renamed, split.person_id == renamed.old)
    changed = merged.moved | (merged.survivor.notnull() & (merged.survivor != merged.person_id))
    return merged.select(
        "data_source",
        "source_person_id",
        person_id=merged.survivor.coalesce(merged.person_id),
        match_probability=ibis.ifelse(changed, ibis.null("float64"), merged.match_probability),
        match_method=ibis.ifelse(changed, ibis.literal("reviewer"), merged.match_method),
        matched_at=merged.matched_at,
    )


def decide(
    warehouse: Warehouse,
    left: tuple[str, str],
    right: tuple[str, str],
    decision: str,
    decided_by: str,
    note: str = "",
) -> int:
    """Record a reviewer's decision on two source records; returns its id.

    The records are (data_source, source_person_id) pairs that must be in the crosswalk.
    """
    if decision not in DECISIONS:
        raise UserError(f"decision '{decision}' should be one of: {', '.join(DECISIONS)}")
    if left == right:
        raise UserError("a decision needs two different records")
    x = warehouse.table("person_crosswalk")
    for source, source_id in (left, right):
        found = x.filter((x.data_source == source) & (x.source_person_id == source_id)).count()
        if not found.execute():
            raise UserError(
                f"record {source}:{source_id} is not in the person crosswalk; "
                "run `commontable match` first, or check the data source and id"
            )
    existing = warehouse.table("match_decision").to_pyarrow()
    decision_id = int(max(existing.column("decision_id").to_pylist(), default=0) or 0) + 1
    row = {
        "decision_id": decision_id,
        "data_source_l": left[0],
        "source_person_id_l": left[1],
        "data_source_r": right[0],
        "source_person_id_r": right[1],
        "decision": decision,
        "decided_by": decided_by,
        "decided_at": datetime.now(UTC).replace(tzinfo=None),
        "note": note,
    }
    table = existing.to_pylist() + [row]
    schema = warehouse.schemas["match_decision"].to_pyarrow()
    warehouse.replace({"match_decision": pa.Table.from_pylist(table, schema=schema)})
    return decision_id
