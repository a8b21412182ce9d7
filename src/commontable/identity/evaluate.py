"""Pairwise precision, recall and F1 of a clustering against the truth, in DuckDB over Arrow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from commontable.errors import UserError


@dataclass(frozen=True)
class Scores:
    """Pairwise scores, and the share of true people recovered as exactly one cluster."""

    precision: float
    recall: float
    f1: float
    exact_clusters: float
    predicted_pairs: int
    true_pairs: int

    def summary(self) -> str:
        """One line for the CLI and test messages."""
        return (  # the line format issue 3 asks for, then the cluster-level figure
            f"pairwise precision={self.precision:.3f} recall={self.recall:.3f} "
            f"f1={self.f1:.3f}; clusters exactly right={self.exact_clusters:.1%}"
        )


def truth_from_ids(clusters: pa.Table, pattern: str) -> pa.Table:
    """The true person of each record: the first group of `pattern` in its record_id."""
    con = duckdb.connect()
    con.register("clusters", clusters)
    truth = con.execute(
        "select record_id, source, regexp_extract(record_id, ?, 1) as person_id from clusters",
        [pattern],
    ).to_arrow_table()
    con.close()
    return truth


def _pairs(clusters: str) -> str:
    return f"""
        select l.source || ':' || l.record_id as x, r.source || ':' || r.record_id as y
        from {clusters} l join {clusters} r
          on l.person_id = r.person_id
         and (l.source, l.record_id) < (r.source, r.record_id)"""


def score(predicted: pa.Table, truth: pa.Table) -> Scores:
    """Compare two clusterings, each record_id, source, person_id over the same records."""
    con = duckdb.connect()
    con.register("predicted", predicted)
    con.register("truth", truth)
    found, true, both = con.sql(
        f"""
        with p as ({_pairs("predicted")}), t as ({_pairs("truth")})
        select (select count(*) from p), (select count(*) from t),
               (select count(*) from (select * from p intersect select * from t))
        """
    ).fetchone() or (0, 0, 0)
    exact = con.sql(
        """
        with joined as (
            select t.person_id as truth_id, p.person_id as predicted_id
            from truth t join predicted p using (source, record_id)
        ),
        sizes as (select person_id, count(*) as n from predicted group by all),
        per_truth as (
            select truth_id, count(distinct predicted_id) as parts, any_value(predicted_id) as pid,
                   count(*) as n
            from joined group by all
        )
        select avg(case when parts = 1 and s.n = per_truth.n then 1.0 else 0.0 end)
        from per_truth join sizes s on s.person_id = per_truth.pid
        """
    ).fetchone()
    con.close()
    precision = both / found if found else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, float(exact[0] if exact else 0.0), found, true)


def truth_of_region(truth_dir: Path) -> pa.Table:
    """The synthetic region's truth: every source person id and the true person behind it.

    Accepts the region folder or its truth/ folder (synth writes truth/source_person.parquet).
    """
    for folder in (truth_dir / "truth", truth_dir):
        path = folder / "source_person.parquet"
        if path.is_file():
            truth = pq.read_table(path, columns=["data_source", "source_person_id", "person_key"])
            con = duckdb.connect()
            con.register("truth", truth)
            rows = con.sql(
                "select distinct source_person_id as record_id, data_source as source, "
                "cast(person_key as varchar) as person_id from truth"
            ).to_arrow_table()
            con.close()
            return rows
    raise UserError(
        f"no ground truth in {truth_dir}: give a folder made by `commontable synth` "
        "(it holds truth/source_person.parquet)"
    )


def score_crosswalk(crosswalk: pa.Table, truth: pa.Table) -> Scores:
    """Score a person_crosswalk against the truth, over the records both know."""
    con = duckdb.connect()
    con.register("crosswalk", crosswalk)
    con.register("truth", truth)
    predicted = con.sql(
        "select c.source_person_id as record_id, c.data_source as source, c.person_id "
        "from crosswalk c semi join truth t "
        "on t.source = c.data_source and t.record_id = c.source_person_id"
    ).to_arrow_table()
    known = con.sql(
        "select t.* from truth t semi join crosswalk c "
        "on t.source = c.data_source and t.record_id = c.source_person_id"
    ).to_arrow_table()
    con.close()
    return score(predicted, known)
