"""Benchmark of publishing: a whole region's results through disclosure control into the app DB.

* at scale: `commontable publish --period 2025` on the region's workspace (its own process:
  wall time and peak memory), with a fresh app DB (the roster imported first, not timed);
  the command's own lines give the cells hidden, the linear programs and the audit;
* baseline, in the same run: the same results written to a fresh app DB as they are, with no
  disclosure control (what copying the aggregates costs), so the figure is a ratio.

The region is the one `benchmarks/spine.py` and `benchmarks/measures.py` built (benchmarks/work),
or any workspace with measure results given.
Usage: python benchmarks/publish.py [--workspace benchmarks/work/ws]
       [--out benchmarks/results/publish.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spine import run  # noqa: E402  (one way to time a step's process, shared)

from commontable.appdb import create_engine, transaction, upgrade  # noqa: E402
from commontable.config import load_settings  # noqa: E402
from commontable.publishing.models import Publication, PublishedResult  # noqa: E402
from commontable.publishing.publish import (  # noqa: E402
    _describe_measures,
    cell_rows,
    period_results,
)
from commontable.warehouse import connect  # noqa: E402

ROOT = Path(__file__).resolve().parent
COMMONTABLE = str(Path(sys.executable).parent / "commontable")
PERIOD = 2025
TARGET_SECONDS = 120  # issue 14: the 1M region's publish with joint suppression and audit


def fresh_app_db(workspace: Path) -> None:
    """Start the workspace's app DB afresh with the roster imported."""
    settings = load_settings(workspace)
    database = Path(settings.resolve(settings.app_db).removeprefix("sqlite:///"))
    database.unlink(missing_ok=True)
    for step in (["db", "upgrade"], ["org", "import-roster"]):
        subprocess.run([COMMONTABLE, *step, "-w", str(workspace)], check=True, capture_output=True)


def baseline(workspace: Path) -> dict[str, float]:
    """The period's results read from the warehouse and written to a new app DB as they are."""
    settings = load_settings(workspace)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/baseline.db"
        upgrade(url)
        engine = create_engine(url)
        started = time.perf_counter()
        with connect(settings.resolve(settings.warehouse)) as store:
            results = period_results(store, PERIOD)
        with transaction(engine) as session:
            _describe_measures(session, sorted(results["measure_id"].unique()))
            publication = Publication(
                period=PERIOD, published_by="baseline", results=len(results), suppressed=0
            )
            session.add(publication)
            session.flush()
            rows = cell_rows(results, {})
            session.bulk_insert_mappings(
                PublishedResult.__mapper__,
                [{**row, "publication_id": publication.id} for row in rows],
            )
        seconds = time.perf_counter() - started
        engine.dispose()
    return {"seconds": round(seconds, 2), "results": len(results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / "work" / "ws")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "publish.json")
    args = parser.parse_args()
    fresh_app_db(args.workspace)
    said: list[str] = []
    published = run(
        "publish",
        [COMMONTABLE, "publish", "--period", str(PERIOD), "-w", str(args.workspace)],
        said,
    )
    copied = baseline(args.workspace)
    print(f"baseline (results copied as they are): {copied['seconds']:.1f} s")
    figures = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
        "period": PERIOD,
        "publish": {**published, "said": said},
        "baseline_copy": copied,
        "ratio_to_baseline": round(published["seconds"] / max(copied["seconds"], 1e-9), 1),
        "target": f"publish with joint suppression and audit under {TARGET_SECONDS} s",
        "target_met": published["seconds"] < TARGET_SECONDS,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"publish: {published['seconds']:.1f} s (target under {TARGET_SECONDS} s: "
        f"{'met' if figures['target_met'] else 'NOT met'}), "
        f"{figures['ratio_to_baseline']}x copying the results as they are"
    )
    shutil.rmtree(ROOT / "work" / "tmp", ignore_errors=True)


if __name__ == "__main__":
    main()
