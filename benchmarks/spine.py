"""Benchmark of the data spine: synth, load and person matching of a large region on DuckDB.

Each step runs as its own process so its wall time and peak memory are its own. Baselines,
measured in the same run: for load, DuckDB's plain import of the same files without any
checking; for matching, linking records that agree exactly on first name, last name and
birth date (one SQL join). Figures are reported as ratios to them.

Usage: python benchmarks/spine.py [--people 1000000] [--out benchmarks/results/spine.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"


def run(step: str, command: list[str], output: list[str] | None = None) -> dict[str, float]:
    """Run a command, sampling the resident memory of its process tree; seconds and peak MiB.

    With `output`, the command's standard output lines are collected there (and echoed).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE if output is not None else None)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.2)
    if output is not None and process.stdout is not None:
        text = process.stdout.read().decode()
        print(text, end="")
        output.extend(text.splitlines())
    if process.returncode != 0:
        sys.exit(f"{step} failed with exit code {process.returncode}")
    seconds = time.perf_counter() - started
    print(f"{step}: {seconds:.1f} s, peak {peak / 2**20:.0f} MiB", flush=True)
    return {"seconds": round(seconds, 2), "peak_mib": round(peak / 2**20)}


BASELINE_READERS = {
    ".csv": "read_csv(?, all_varchar=true)",
    ".parquet": "read_parquet(?)",
    ".ndjson": "read_ndjson_objects(?)",
    ".hl7": "read_text(?)",
}


def baseline_import(sources: Path) -> dict[str, float]:
    """DuckDB copying every submitted file into tables as it is: no mapping, typing or checks.

    The floor for intake on this machine: what merely getting the bytes into the engine costs.
    """
    import duckdb

    files = sorted(p for p in sources.rglob("*") if p.suffix in BASELINE_READERS)
    started = time.perf_counter()
    with duckdb.connect(str(WORK / "baseline.duckdb")) as con:
        for i, path in enumerate(files):
            reader = BASELINE_READERS[path.suffix]
            con.execute(f"CREATE TABLE t{i} AS SELECT * FROM {reader}", [str(path)])
    return {"seconds": round(time.perf_counter() - started, 2), "files": len(files)}


def exact_key_baseline(workspace: Path, region: Path) -> dict[str, float]:
    """Link records agreeing exactly on first name, last name and birth date: time and scores."""
    import duckdb
    import pyarrow as pa

    from commontable.identity import score_crosswalk, truth_of_region

    started = time.perf_counter()
    with duckdb.connect(str(workspace / "warehouse.duckdb"), read_only=True) as con:
        crosswalk = con.sql(
            """
            with records as (
                select data_source, person_id, first_name, last_name, birth_date from eligibility
                union all
                select data_source, person_id, first_name, last_name, birth_date from patient
                union all
                select data_source, person_id, first_name, last_name, birth_date from adt_event
            ),
            keyed as (
                select distinct data_source, person_id as source_person_id,
                       upper(first_name) || '|' || upper(last_name) || '|' || birth_date as key
                from records
            )
            select data_source, source_person_id,
                   coalesce(key, data_source || source_person_id) as person_id
            from keyed qualify row_number() over (partition by data_source, source_person_id) = 1
            """
        ).to_arrow_table()
    seconds = time.perf_counter() - started
    scores = score_crosswalk(pa.Table.from_batches(crosswalk.to_batches()), truth_of_region(region))
    return {
        "seconds": round(seconds, 2),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
    }


def scores_from(lines: list[str]) -> dict[str, float]:
    """precision, recall and f1 from the `match: pairwise precision=...` line."""
    for line in lines:
        if "pairwise precision=" in line:
            pairs = (p.split("=") for p in line.split(";")[0].split() if "=" in p)
            return {k: float(v) for k, v in pairs}
    sys.exit("match printed no pairwise scores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "spine.json")
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    cli = [sys.executable, "-c", "from commontable.cli import main; main()"]
    workspace, region = WORK / "ws", WORK / "region"
    subprocess.run([*cli, "init", str(workspace)], check=True, capture_output=True)
    synth = run("synth", [*cli, "synth", "--people", str(args.people), "--out", str(region)])
    load = run("load", [*cli, "load", str(region / "sources"), "-w", str(workspace)])
    baseline = baseline_import(region / "sources")
    print(f"baseline (DuckDB import as-is, no checks): {baseline['seconds']:.1f} s", flush=True)
    printed: list[str] = []
    matching = run(
        "match",
        [*cli, "match", "-w", str(workspace), "--evaluate", str(region)],
        output=printed,
    )
    matching.update(scores_from(printed))
    exact = exact_key_baseline(workspace, region)
    print(f"baseline (exact name + birth date key): {exact}", flush=True)

    import duckdb

    with duckdb.connect(str(workspace / "warehouse.duckdb"), read_only=True) as con:
        log = con.execute(
            "SELECT data_source, rows_read, rows_loaded, rows_quarantined, seconds, tables "
            "FROM submission ORDER BY submission_id"
        ).fetchall()
    per_table: dict[str, dict[str, float]] = {}
    submissions = []
    for source, read, loaded, quarantined, seconds, tables in log:
        for table, done in json.loads(tables).items():
            total = per_table.setdefault(table, {"rows": 0, "seconds": 0.0})
            total["rows"] += done["rows"]
            total["seconds"] += done["seconds"]
        submissions.append(
            {
                "source": source,
                "rows_read": read,
                "rows_loaded": loaded,
                "rows_quarantined": quarantined,
                "seconds": seconds,
                "rows_per_second": round(read / seconds) if seconds else None,
            }
        )
    total_rows = sum(s["rows_read"] for s in submissions)
    result = {
        "people": args.people,
        "machine": {
            "cores": psutil.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30),
            "python": platform.python_version(),
        },
        "synth": synth,
        "load": {
            **load,
            "rows": total_rows,
            "rows_per_second": round(total_rows / load["seconds"]),
        },
        "baseline_duckdb_import_as_is": baseline,
        "load_vs_baseline": round(load["seconds"] / baseline["seconds"], 2),
        "tables": {
            t: {**v, "rows_per_second": round(v["rows"] / v["seconds"]) if v["seconds"] else None}
            for t, v in sorted(per_table.items())
        },
        "submissions": submissions,
        "target": "whole region loaded in under 300 s",
        "target_met": load["seconds"] < 300,
        "match": {
            **matching,
            "records": total_records(workspace),
            "target": "all source records matched in under 300 s",
            "target_met": matching["seconds"] < 300,
        },
        "baseline_exact_key_match": exact,
        "match_vs_exact_key": round(matching["seconds"] / exact["seconds"], 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    keys = ("synth", "load", "load_vs_baseline", "match", "baseline_exact_key_match")
    print(json.dumps({k: result[k] for k in keys}, indent=2))


def total_records(workspace: Path) -> int:
    import duckdb

    with duckdb.connect(str(workspace / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute("select count(*) from person_crosswalk").fetchone()
    return int(row[0]) if row else 0


if __name__ == "__main__":
    main()
