"""Benchmark of the data spine: synth and load of a large region on DuckDB.

Each step runs as its own process so its wall time and peak memory are its own. The
baseline, measured in the same run, is DuckDB's plain CSV import of the same CSV files
without any checking: the load figure is reported as a ratio to it.

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


def run(step: str, command: list[str]) -> dict[str, float]:
    """Run a command, sampling the resident memory of its process tree; seconds and peak MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(command)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.2)
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
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("synth", "load", "load_vs_baseline")}, indent=2))


if __name__ == "__main__":
    main()
