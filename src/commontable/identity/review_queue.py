"""The match review queue as reviewers read it: pairs of source records the matcher was unsure
of, best first, with both records' demographics (never the SSN), from the warehouse's reading
copy (`commontable match` writes the demographics of the records under review beside it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis

from commontable.warehouse import REVIEW_DEMOGRAPHICS as DEMOGRAPHICS
from commontable.warehouse import Tables

PAGE_SIZE = 50


@dataclass(frozen=True)
class Side:
    """One record of a pair: where it comes from, its person, and its demographics (no SSN)."""

    data_source: str
    source_person_id: str
    person_id: str | None
    demographics: dict[str, Any]

    @property
    def key(self) -> str:
        """The record as the decision form sends it: DATA_SOURCE:SOURCE_PERSON_ID."""
        return f"{self.data_source}:{self.source_person_id}"


@dataclass(frozen=True)
class Pair:
    left: Side
    right: Side
    match_probability: float | None
    reason: str


Sources = list[str] | None  # the data sources whose pairs a reviewer sees; None: every one


def _queue(store: Tables, sources: Sources) -> ibis.Table:
    """The pairs the reviewer may see: both records from `sources`."""
    review = store.table("match_review")
    if sources is None:
        return review
    return review.filter(review.data_source_l.isin(sources) & review.data_source_r.isin(sources))


def _ordered(store: Tables, sources: Sources) -> ibis.Table:
    """The queue, best pair first (ties in a stable order)."""
    review = _queue(store, sources)
    return review.order_by(
        [
            ibis.desc("match_probability"),
            "data_source_l",
            "source_person_id_l",
            "data_source_r",
            "source_person_id_r",
        ]
    )


def pair_count(store: Tables, sources: Sources = None) -> int:
    return int(_queue(store, sources).count().execute())


def _demographics(store: Tables, record_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The records' person fields as the matcher compares them, by record id; no SSN."""
    if not record_ids:
        return {}
    records = store.table("match_review_record")
    records = records.filter(records.record_id.isin(sorted(record_ids)))
    rows = records.to_pyarrow().to_pylist()
    return {row.pop("record_id"): _shown(row) for row in rows}


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def review_pairs(
    store: Tables, offset: int = 0, limit: int = PAGE_SIZE, sources: Sources = None
) -> list[Pair]:
    """A page of the queue with both records' demographics."""
    rows = _ordered(store, sources).limit(limit, offset=offset).to_pyarrow().to_pylist()
    ids = {
        f"{row[f'data_source_{s}']}|{row[f'source_person_id_{s}']}" for row in rows for s in "lr"
    }
    people = _demographics(store, ids)

    def side(row: dict[str, Any], s: str) -> Side:
        source, source_id = row[f"data_source_{s}"], row[f"source_person_id_{s}"]
        found = people.get(f"{source}|{source_id}", dict.fromkeys(DEMOGRAPHICS))
        return Side(source, source_id, row[f"person_id_{s}"], found)

    return [
        Pair(side(row, "l"), side(row, "r"), row["match_probability"], row["reason"] or "")
        for row in rows
    ]
