"""Give every record a person_id: new records join existing persons; existing ids never change.

A record that already has a person keeps it. New records are clustered among themselves
(connected components over pairs at or above the threshold); each new cluster then joins the
existing person it is most strongly linked to, or becomes a new person. A pair that would
join two existing persons is not acted on: it goes to review.
"""

from __future__ import annotations

from datetime import UTC, datetime

import ibis
import ibis.expr.types as ir
from splink.clustering import cluster_pairwise_predictions_at_threshold

from commontable.identity.engine import MatchEngine
from commontable.identity.records import record_id

ID_PREFIX = "P"  # person ids read P000000001, P000000002, ...
ID_DIGITS = 9


def person_ids(numbers: ir.IntegerValue) -> ir.StringValue:
    """P + the number, zero padded: sortable, and never mistaken for a source's own id."""
    return ibis.literal(ID_PREFIX).concat(numbers.cast("string").lpad(ID_DIGITS, "0"))


def connected(engine: MatchEngine, nodes: ir.Table, edges: ir.Table) -> ir.Table:
    """record_id -> cluster_id by connected components (Splink's, on the engine's backend)."""
    clustered = cluster_pairwise_predictions_at_threshold(
        engine.keep(nodes.select("record_id"), "nodes"),
        engine.keep(edges.select("record_id_l", "record_id_r"), "edges"),
        engine.db_api,
        node_id_column_name="record_id",
        edge_id_column_name_left="record_id_l",
        edge_id_column_name_right="record_id_r",
    )
    return engine.splink_table(clustered).select("record_id", "cluster_id")


def assign(
    engine: MatchEngine,
    records: ir.Table,
    edges: ir.Table,
    previous: ir.Table,
    threshold: float,
) -> ir.Table:
    """The crosswalk: every record's person_id, match_probability, match_method, matched_at.

    `edges` are scored pairs (record_id_l, record_id_r, match_probability, match_method);
    `previous` is the crosswalk of the last run (empty on the first).
    """
    old = previous.mutate(record_id=record_id(previous.data_source, previous.source_person_id))
    known = old.select("record_id", old_person=old.person_id)
    new = records.select("record_id").anti_join(known, "record_id")
    strong = edges.filter(edges.match_probability >= threshold)

    new_l = new.select(record_id_l="record_id")
    new_r = new.select(record_id_r="record_id")
    both_new = strong.semi_join(new_l, "record_id_l").semi_join(new_r, "record_id_r")
    clusters = connected(engine, new, both_new)

    # Pairs from a new record to a known one, seen from the new side.
    flipped = strong.select(
        record_id_l="record_id_r", record_id_r="record_id_l", match_probability="match_probability"
    )
    either = strong.select("record_id_l", "record_id_r", "match_probability").union(flipped)
    to_known = either.join(clusters, either.record_id_l == clusters.record_id).join(
        known, either.record_id_r == known.record_id
    )
    links = to_known.group_by(["cluster_id", "old_person"]).agg(p=to_known.match_probability.max())
    ranked = links.mutate(
        rank=ibis.row_number().over(
            group_by="cluster_id", order_by=[ibis.desc("p"), ibis.asc("old_person")]
        )
    )
    joins = ranked.filter(ranked["rank"] == 0).select("cluster_id", joined="old_person")

    last = old.person_id.substr(len(ID_PREFIX)).cast("int64").max()
    start = ibis.coalesce(last.as_scalar(), 0)
    placed = clusters.left_join(joins, "cluster_id").drop("cluster_id_right")
    fresh = placed.filter(placed.joined.isnull()).select("cluster_id").distinct()
    fresh = fresh.mutate(number=ibis.dense_rank().over(order_by="cluster_id") + 1)
    placed = placed.left_join(fresh, "cluster_id").drop("cluster_id_right")
    now = ibis.literal(datetime.now(UTC).replace(tzinfo=None), type="timestamp")
    new_rows = placed.select(
        "record_id",
        person_id=placed.joined.coalesce(person_ids(placed.number + start)),
        matched_at=now.cast("timestamp"),
    )
    kept = old.select("record_id", "person_id", matched_at=old.matched_at.cast("timestamp"))
    people = kept.union(new_rows)
    return _scored(records, people, edges, old)


def _scored(records: ir.Table, people: ir.Table, edges: ir.Table, old: ir.Table) -> ir.Table:
    """How each new record joined its person: the best pair inside it, and that pair's method.

    Records carried over keep the probability and method they were given.
    """
    left = people.select(record_id_l="record_id", person_l="person_id")
    right = people.select(record_id_r="record_id", person_r="person_id")
    inside = edges.join(left, "record_id_l").join(right, "record_id_r")
    inside = inside.filter(inside.person_l == inside.person_r)
    sides = inside.select(
        record_id="record_id_l", p="match_probability", method="match_method"
    ).union(inside.select(record_id="record_id_r", p="match_probability", method="match_method"))
    best = sides.mutate(
        rank=ibis.row_number().over(
            group_by="record_id", order_by=[ibis.desc("p"), ibis.asc("method")]
        )
    )
    best = best.filter(best["rank"] == 0).drop("rank")
    carried = old.select("record_id", old_p="match_probability", old_method="match_method")
    t = (
        records.select("record_id", "data_source", "source_person_id")
        .join(people, "record_id")
        .left_join(best, "record_id")
        .drop("record_id_right")
        .left_join(carried, "record_id")
        .drop("record_id_right")
    )
    is_old = t.old_method.notnull()
    return t.select(
        "data_source",
        "source_person_id",
        "person_id",
        match_probability=ibis.ifelse(is_old, t.old_p, t.p),
        match_method=ibis.ifelse(is_old, t.old_method, t.method.coalesce("unmatched")),
        matched_at=t.matched_at,
    )
