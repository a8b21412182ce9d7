"""Load on the results API: requests per second and latency with 50 concurrent clients.

Builds (or reuses) a workspace with a published synthetic region, serves it with uvicorn in
its own process, and drives it from 50 concurrent keep-alive clients on loopback (httpx,
asyncio) for a fixed time. Baseline, measured in the same run against the same server: a
static file (no database, no access check beyond the gate). Figures are reported as ratios.

Usage: python benchmarks/web_load.py [--people 5000] [--clients 50] [--seconds 20]
       [--out benchmarks/results/web_load.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work" / "web"
COMMONTABLE = str(Path(sys.executable).parent / "commontable")
RESULTS = "/api/results?measure=CMS125&period=2025&entity_type=clinic&stratum_type=race"
BASELINE = "/static/commontable.css"


def step(*args: str) -> None:
    subprocess.run([COMMONTABLE, *args, "--workspace", str(WORK)], check=True)


def build_workspace(people: int) -> None:
    """A published synthetic region in WORK, made once per size."""
    marker = WORK / f".built-{people}"
    if marker.exists():
        return
    subprocess.run(["rm", "-rf", str(WORK)], check=True)
    subprocess.run([COMMONTABLE, "init", str(WORK)], check=True)
    step("synth", "--people", str(people), "--seed", "7", "--out", str(WORK / "region"))
    step("load", str(WORK / "region" / "sources"))
    step("match")
    step("measure", "run", "--period", "2025")
    step("db", "upgrade")
    step("org", "import-roster")
    step("publish", "--period", "2025")
    marker.touch()


def api_token() -> str:
    """A fresh API token of the first health plan (its system reads results)."""
    from commontable.appdb import create_engine, transaction
    from commontable.config import load_settings
    from commontable.members import OrganizationType, issue_token, list_organizations

    settings = load_settings(WORK)
    engine = create_engine(settings.resolve(settings.app_db))
    with transaction(engine) as session:
        plan = list_organizations(session, type=OrganizationType.HEALTH_PLAN)[0]
        secret = issue_token(session, plan, "load benchmark").secret
    engine.dispose()
    return secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def hammer(
    url: str, headers: dict[str, str], clients: int, seconds: float
) -> dict[str, float]:
    """`clients` keep-alive clients requesting `url` back to back for `seconds`."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(headers=headers, timeout=30) as session:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    answer = await session.get(url)
                except httpx.TransportError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                errors += answer.status_code != 200

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "web_load.json")
    args = parser.parse_args()

    build_workspace(args.people)
    headers = {"Authorization": f"Bearer {api_token()}"}
    port = free_port()
    server = subprocess.Popen(
        [COMMONTABLE, "serve", "--port", str(port), "--workspace", str(WORK)],
        stdout=subprocess.DEVNULL,
        stderr=(WORK / "server.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + BASELINE).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            sys.exit("the server did not start")
        if httpx.get(base + RESULTS, headers=headers).status_code != 200:
            sys.exit("the results API did not answer 200")
        baseline = asyncio.run(hammer(base + BASELINE, headers, args.clients, args.seconds))
        results = asyncio.run(hammer(base + RESULTS, headers, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "people": args.people,
        "clients": args.clients,
        "seconds": args.seconds,
        "results_api": {"path": RESULTS, **results},
        "baseline_static_file": {"path": BASELINE, **baseline},
        "ratio_rps_to_baseline": round(
            results["requests_per_second"] / baseline["requests_per_second"], 3
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
