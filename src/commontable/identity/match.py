"""Match every source's person records in the warehouse into persons (`commontable match`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from commontable.errors import UserError
from commontable.identity import decisions
from commontable.identity.assign import assign
from commontable.identity.engine import MatchEngine, match_engine
from commontable.identity.model import load, make_linker, register, save, train, twins
from commontable.identity.person import best_demographics, review_pairs, review_records
from commontable.identity.records import MATCH_FIELDS, require_records, source_records
from commontable.warehouse import Warehouse

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MatchResult:
    """What a run did, in the numbers a collaborative's analyst checks."""

    records: int
    persons: int
    new_records: int
    pairs_scored: int
    review: int
    trained: bool
    seconds: float

    def summary(self) -> str:
        model = "model trained (EM) and saved" if self.trained else "saved model reused"
        return (
            f"match: {self.records:,} source records ({self.new_records:,} new) -> "
            f"{self.persons:,} persons; {self.pairs_scored:,} pairs scored, "
            f"{self.review:,} to review; {model}; {self.seconds:.1f} s"
        )


def deterministic_pairs(records: ir.Table) -> ir.Table:
    """Records sharing SSN and birth date, each paired with the first of its group (p = 1).

    Pairing to one record, not all pairs, keeps a group of k records at k - 1 pairs.
    """
    known = records.filter(records.ssn.notnull() & records.birth_date.notnull())
    first = known.group_by(["ssn", "birth_date"]).agg(record_id_l=known.record_id.min())
    pairs = known.join(first, ["ssn", "birth_date"]).filter(lambda t: t.record_id != t.record_id_l)
    return pairs.select(
        "record_id_l",
        record_id_r=pairs.record_id,
        match_probability=ibis.literal(1.0),
        match_method=ibis.literal("deterministic"),
    )


TRAINING_RECORDS = 300_000  # enough pairs for EM; more only costs time


def training_sample(records: ir.Table, total: int) -> ir.Table:
    """The records the model is trained on: all, or those born on the first days of a month.

    Sampling by birth day keeps most true pairs together (they share a birth date) while
    cutting the records, so EM sees whole persons; the prior is rescaled to the full size.
    """
    if total <= TRAINING_RECORDS:
        return records
    days = max(1, int(30 * TRAINING_RECORDS / total))
    day = records.birth_date.substr(8, 2)
    return records.filter(day <= f"{days:02d}")


def _edges(scored: ir.Table, rules: ir.Table) -> ir.Table:
    """Scored and deterministic pairs, one row per pair (the lower record id on the left).

    Twins' pairs are dropped from the scored ones (see model.twins).
    """
    probabilistic = scored.filter(~twins(scored).fill_null(False)).select(
        "record_id_l",
        "record_id_r",
        "match_probability",
        match_method=ibis.literal("probabilistic"),
    )
    both = probabilistic.union(rules)
    ordered = both.select(
        record_id_l=ibis.least(both.record_id_l, both.record_id_r),
        record_id_r=ibis.greatest(both.record_id_l, both.record_id_r),
        match_probability=both.match_probability,
        match_method=both.match_method,
    )
    ranked = ordered.mutate(
        rank=ibis.row_number().over(
            group_by=["record_id_l", "record_id_r"],
            order_by=[ibis.desc("match_probability"), ibis.asc("match_method")],
        )
    )
    return ranked.filter(ranked["rank"] == 0).drop("rank")


def match_people(
    warehouse: Warehouse,
    model: Path,
    *,
    threshold: float = 0.9,
    review_low: float = 0.5,
    retrain: bool = False,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> MatchResult:
    """Link every source person record into persons; write person_crosswalk, person, match_review.

    The model's parameters are estimated by EM on the first run and saved at `model`; later
    runs reuse them (`retrain` estimates them again). Person ids already given are kept
    unless `rebuild` starts over from no persons (ids may then change).
    """
    if not 0 < review_low <= threshold <= 1:
        raise UserError(
            f"thresholds must satisfy 0 < review band ({review_low}) <= match ({threshold}) <= 1"
        )
    step = progress or (lambda _: None)
    started = time.perf_counter()
    if retrain:
        model.unlink(missing_ok=True)
    engine = match_engine(warehouse)
    try:
        step("reading person records")
        records = engine.load(source_records(warehouse), "records")
        total = require_records(records)
        previous = warehouse.table("person_crosswalk")
        previous = engine.load(previous.limit(0) if rebuild else previous, "previous")
        parameters, trained = _model(engine, records, total, model, step)
        linker = make_linker(
            register(engine.db_api, [records.get_name()]), set(MATCH_FIELDS), parameters, total
        )
        step("scoring candidate pairs")
        scored = engine.splink_table(
            linker.inference.predict(threshold_match_probability=review_low)
        )
        decided = engine.load(decisions.latest(warehouse.table("match_decision")), "decided")
        edges = _edges(scored, deterministic_pairs(records))
        edges = engine.load(decisions.without_rejected(edges, decided), "edges")
        step("assigning person ids")
        assigned = engine.load(assign(engine, records, edges, previous, threshold), "assigned")
        crosswalk = engine.load(decisions.apply(engine, assigned, decided), "crosswalk")
        step("writing persons")
        person = best_demographics(records, crosswalk)
        undecided = edges.anti_join(
            decided.select(record_id_l="low", record_id_r="high"), ["record_id_l", "record_id_r"]
        )
        review = engine.load(review_pairs(crosswalk, undecided, review_low, threshold), "review")
        counted = MatchResult(
            records=total,
            persons=int(crosswalk.person_id.nunique().execute()),
            new_records=total - int(previous.count().execute()),
            pairs_scored=int(scored.count().execute()),
            review=int(review.count().execute()),
            trained=trained,
            seconds=0.0,
        )
        warehouse.replace(
            {
                "person_crosswalk": engine.arrow(crosswalk),
                "person": engine.arrow(person),
                "match_review": engine.arrow(review),
                "match_review_record": engine.arrow(review_records(records, review)),
            }
        )
    finally:
        engine.close()
    return replace(counted, seconds=round(time.perf_counter() - started, 1))


def _model(
    engine: MatchEngine, records: ir.Table, total: int, model: Path, step: Progress
) -> tuple[dict[str, Any], bool]:
    """The saved parameters, or new ones trained on a sample (and saved); and whether trained."""
    fields = set(MATCH_FIELDS)
    parameters = load(model, fields)
    if parameters is not None:
        return parameters, False
    step("training the model")
    sample = training_sample(records, total)
    size = int(sample.count().execute())
    parameters = train(register(engine.db_api, [engine.keep(sample, "training")]), fields, size)
    save(parameters, model)
    return parameters, True
