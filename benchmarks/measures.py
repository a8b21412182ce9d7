"""Benchmark of the measures: every measure of the library for a whole region on DuckDB, and
the same measures evaluated one patient at a time, the way FHIR/CQL engines work.

* at scale: `commontable measure run --period 2025` on the region's workspace (its own
  process: wall time and peak memory);
* baseline, in the same run: a 10,000-person sample of the region copied into a warehouse of
  its own; then patient after patient, that one patient's records are read and every measure
  is evaluated for them (the same definitions, no shortcuts), until the sample is done or the
  time budget is spent. The report gives seconds per patient both ways and their ratio.

The region is the one `benchmarks/spine.py` built (benchmarks/work), or any workspace given.
Usage: python benchmarks/measures.py [--workspace benchmarks/work/ws] [--sample 10000]
       [--budget 600] [--out benchmarks/results/measures.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import ibis.expr.types as ir

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spine import run  # noqa: E402  (one way to time a step's process, shared)

from commontable.config import load_settings  # noqa: E402
from commontable.measures.engine import code_lists  # noqa: E402
from commontable.measures.library import select  # noqa: E402
from commontable.measures.period import Period  # noqa: E402
from commontable.measures.populations import patient_rows, people  # noqa: E402
from commontable.measures.records import computed, read_records  # noqa: E402
from commontable.warehouse import Warehouse, connect  # noqa: E402

ROOT = Path(__file__).resolve().parent
COMMONTABLE = str(Path(sys.executable).parent / "commontable")
PERIOD = 2025
PER_PERSON = ("person_crosswalk", "person")  # tables keyed by CommonTable's person_id


class OnePatient:
    """A warehouse seen as holding one patient: the crosswalk knows only them, so a measure
    run reads only their records (the rest of the warehouse's API is the store's)."""

    def __init__(self, store: Warehouse, person_id: str) -> None:
        self._store = store
        self._person_id = person_id

    def table(self, name: str) -> ir.Table:
        found = self._store.table(name)
        return found.filter(found.person_id == self._person_id) if name in PER_PERSON else found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def copy_sample(warehouse: Path, sample_file: Path, size: int, seed: int) -> list[str]:
    """Copy `size` random persons' rows of every table into a warehouse file of their own."""
    sample_file.unlink(missing_ok=True)
    con = duckdb.connect(str(sample_file))
    con.execute(f"ATTACH '{warehouse}' AS source (READ_ONLY)")
    everyone = [
        row[0] for row in con.sql("SELECT person_id FROM source.person ORDER BY 1").fetchall()
    ]
    chosen = sorted(random.Random(seed).sample(everyone, min(size, len(everyone))))
    con.execute("CREATE TEMP TABLE chosen (person_id VARCHAR)")
    con.executemany("INSERT INTO chosen VALUES (?)", [(p,) for p in chosen])
    tables = [
        row[0]
        for row in con.sql(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'source'"
        ).fetchall()
    ]
    for table in tables:
        columns = {row[0] for row in con.sql(f'DESCRIBE source."{table}"').fetchall()}
        if table in PER_PERSON:
            where = "WHERE person_id IN (SELECT person_id FROM chosen)"
        elif {"data_source", "person_id"} <= columns:
            where = (
                "WHERE (data_source, person_id) IN (SELECT data_source, source_person_id "
                "FROM source.person_crosswalk WHERE person_id IN (SELECT person_id FROM chosen))"
            )
        else:
            where = ""
        con.execute(f'CREATE TABLE main."{table}" AS SELECT * FROM source."{table}" {where}')
    con.close()
    return chosen


def evaluate_one(store: Warehouse, person_id: str, measures: list[Any], lists: list[Any]) -> int:
    """Every measure for one patient: their records, their attribution, each measure's rows."""
    view: Any = OnePatient(store, person_id)
    try:
        records = read_records(view, Period(PERIOD), lists)
        everyone = computed(view, people(records), "attribution")
        return sum(patient_rows(m, records, everyone).to_pyarrow().num_rows for m in measures)
    finally:
        store.release()


def per_patient(sample_file: Path, chosen: list[str], budget: float) -> dict[str, float]:
    """Evaluate the sample patient by patient until done or out of time."""
    measures = select(None)
    lists = code_lists(measures)
    done = rows = 0
    started = time.perf_counter()
    with connect(str(sample_file)) as store:
        for person_id in chosen:
            rows += evaluate_one(store, person_id, measures, lists)
            done += 1
            if time.perf_counter() - started > budget:
                break
    seconds = time.perf_counter() - started
    return {
        "patients_evaluated": done,
        "patient_rows": rows,
        "seconds": round(seconds, 1),
        "seconds_per_patient": round(seconds / done, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / "work" / "ws")
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--budget", type=float, default=600, help="seconds for the baseline")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "measures.json")
    args = parser.parse_args()

    settings = load_settings(args.workspace)
    warehouse = Path(settings.warehouse_url)
    if not warehouse.exists():
        sys.exit(f"no warehouse at {warehouse}: run benchmarks/spine.py first, or --workspace")
    with connect(str(warehouse)) as store:
        population = int(store.table("person").count().execute())
    at_scale = run(
        "measure run",
        [
            COMMONTABLE,
            "measure",
            "run",
            "--period",
            str(PERIOD),
            "--workspace",
            str(args.workspace),
        ],
    )
    sample_file = args.workspace / "measures-sample.duckdb"
    chosen = copy_sample(warehouse, sample_file, args.sample, args.seed)
    baseline = per_patient(sample_file, chosen, args.budget)
    sample_file.unlink(missing_ok=True)
    engine_per_patient = at_scale["seconds"] / population
    report = {
        "machine": {"python": platform.python_version()},
        "measures": len(select(None)),
        "persons": population,
        "all_measures_at_scale": {**at_scale, "seconds_per_patient": engine_per_patient},
        "baseline_one_patient_at_a_time": {"sample": len(chosen), **baseline},
        "speedup_per_patient": round(baseline["seconds_per_patient"] / engine_per_patient),
        "baseline_estimate_for_everyone_hours": round(
            baseline["seconds_per_patient"] * population / 3600, 1
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
