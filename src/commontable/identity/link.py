"""Link person files: read, normalise, match with Splink on DuckDB; one person_id per record."""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
from splink import DuckDBAPI

from commontable.errors import UserError
from commontable.identity.fields import person_table
from commontable.identity.model import train_and_predict


def _read(con: ibis.BaseBackend, path: Path) -> ibis.Table:
    if not path.is_file():
        raise UserError(f"{path} not found; give the path of a CSV file")
    raw = con.read_csv(str(path), all_varchar=True)
    # Headers such as FEBRL's "rec_id, given_name" carry spaces after the commas.
    return raw.rename({c.strip(): c for c in raw.columns})


def link_files(
    a: Path,
    b: Path | None,
    id_column: str,
    mapping: dict[str, list[str]],
    threshold: float = 0.9,
) -> pa.Table:
    """Dedupe `a` (or link `a` with `b`): record_id, source ('a'/'b'), person_id, match_probability.

    match_probability is the best score linking the record into its person (null when alone).
    """
    con = ibis.duckdb.connect()
    tables = []
    for source, path in (("a", a), ("b", b)):
        if path is not None:
            con.create_table(source, person_table(_read(con, path), id_column, mapping, source))
            tables.append(source)
    raw = con.con
    records = sum(int(con.table(t).count().execute()) for t in tables)
    pairs, clusters = train_and_predict(DuckDBAPI(raw), tables, set(mapping), threshold, records)
    # Splink names the source only when linking; a dedupe has one source, 'a'.
    src_l, src_r, src = (
        ("source_dataset_l", "source_dataset_r", "c.source_dataset")
        if len(tables) > 1
        else ("'a'", "'a'", "'a'")
    )
    result = raw.sql(
        f"""
        with edges as (
            select {src_l} as src, record_id_l as rid, match_probability
            from {pairs.physical_name} where match_probability >= {threshold}
            union all
            select {src_r}, record_id_r, match_probability
            from {pairs.physical_name} where match_probability >= {threshold}
        ),
        best as (select src, rid, max(match_probability) as p from edges group by all)
        select c.record_id, {src} as source, c.cluster_id as person_id,
               best.p as match_probability
        from {clusters.physical_name} c
        left join best on best.src = {src} and best.rid = c.record_id
        order by person_id, source, record_id
        """
    ).to_arrow_table()
    con.disconnect()
    return result
