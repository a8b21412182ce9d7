"""Benchmark of the live ADT feed: a hospital's messages sent over MLLP at a steady rate to
`commontable care listen` (its own process, in a fresh workspace), each acknowledged once synced
to the feed's spool, notifying the care teams that follow the patient, and loaded every second
as a submission.

* the feed: acknowledgement round trip p50 / p99 at `--rate` messages per second for
  `--seconds`, and nothing lost: messages sent = acknowledged AA = rows in adt_event after the
  listener stops;
* notifications: from a message's send to its notifications being visible in the app DB (a
  reader polling every 20 ms, as the work list reads it), p50 / p99, against the 2-second
  target; and count notified = count the rules say (a clinic team follows every patient, a
  plan's team every other one, an unrelated clinic's nobody; every tenth person opted out);
* baseline, in the same run: the same messages to a bare MLLP server that answers each with a
  fixed ACK at once (what the network, framing and the client cost), so the latency figure is a
  ratio: what examining and keeping each message safely adds.

Usage: python benchmarks/care_feed.py [--rate 50] [--seconds 120]
       [--out benchmarks/results/care_feed.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import hl7.mllp
import numpy as np
import pyarrow as pa

from commontable.appdb import transaction
from commontable.audit import Actor, app_db_engine
from commontable.care import (
    ConsentDecision,
    SubscriptionSource,
    TeamKind,
    create_team,
    follow,
    record_consent,
    replay_messages,
)
from commontable.config import load_settings
from commontable.members import OrganizationType, add_organization
from commontable.warehouse import connect

ROOT = Path(__file__).resolve().parent
SOURCE = "lakeside-general-hospital"
ACK = b"MSH|^~\\&|ECHO|ECHO|||20250101000000||ACK|1|P|2.5.1\rMSA|AA|1\r"


def messages(count: int) -> list[bytes]:
    """`count` ED registrations and discharges of distinct patients, as synth writes them."""
    out = []
    for n in range(count):
        event = "A04" if n % 2 == 0 else "A03"
        out.append(
            (
                f"MSH|^~\\&|ADT|LGH^1988120659^NPI|COMMONTABLE|FLCT|20250301101500||ADT^{event}^"
                f"ADT_A01|B{n}|P|2.5.1\rEVN|{event}|20250301101500\r"
                f"PID|1||H{n // 2}^^^LGH&1988120659&NPI^MR||Moore^Sarah||19731016|F\r"
                "PV1|1|E|ED^02^B||||1706760026^^^^^^^^NPI|||MED\rDG1|1||R10.9^^I10|||A\r"
            ).encode()
        )
    return out


def person(patient: int) -> str:
    return f"P{patient + 1:09d}"


def region(workspace: Path, patients: int) -> int:
    """The crosswalk (H<n> is P<n+1>), three care teams, opt-outs; how many notifications the
    rules expect per patient's message pair (one ED visit, one discharge)."""
    ids = [f"H{n}" for n in range(patients)]
    rows = pa.table({
        "data_source": [SOURCE] * patients,
        "source_person_id": ids,
        "person_id": [person(n) for n in range(patients)],
        "match_probability": [1.0] * patients,
        "match_method": ["deterministic"] * patients,
        "matched_at": [datetime(2025, 1, 1)] * patients,
    })  # fmt: skip
    with connect(str(workspace / "warehouse.duckdb")) as store:
        store.replace({"person_crosswalk": rows})
    engine = app_db_engine(load_settings(workspace))
    staff = Actor()
    every, even = [person(n) for n in range(patients)], [person(n) for n in range(0, patients, 2)]
    opted_out = [person(n) for n in range(0, patients, 10)]
    with transaction(engine) as session:
        add_organization(session, "Lakeside General Hospital", OrganizationType.HOSPITAL,
                         data_source=SOURCE)  # fmt: skip
        teams = []
        for name, kind in [("Riverside Clinic", OrganizationType.CLINIC),
                           ("Cascade Health Plan", OrganizationType.HEALTH_PLAN),
                           ("Hilltop Clinic", OrganizationType.CLINIC)]:  # fmt: skip
            member = add_organization(session, name, kind)
            teams.append(create_team(session, staff, member, "care team", TeamKind.PRIMARY_CARE))
        follow(session, staff, teams[0], every, SubscriptionSource.ATTRIBUTION)
        follow(session, staff, teams[1], even, SubscriptionSource.ATTRIBUTION)
        follow(session, staff, teams[2], ["P999999999"], SubscriptionSource.ROSTER)
        record_consent(session, staff, opted_out, ConsentDecision.OPT_OUT, member)
    engine.dispose()
    told = {p: (1 + (n % 2 == 0)) * (n % 10 != 0) for n, p in enumerate(every)}
    return 2 * sum(told.values())


class Watcher(threading.Thread):
    """Polls the app DB as the work list reads it; when each message's notifications appear."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.seen: dict[str, float] = {}
        self.count = 0
        self.stop = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.database, timeout=30)
        last = 0
        while not self.stop.is_set():
            rows = connection.execute(
                "SELECT n.id, e.message_control_id FROM care_notifications n "
                "JOIN care_events e ON e.id = n.event_id WHERE n.id > ? ORDER BY n.id",
                (last,),
            ).fetchall()
            now = time.perf_counter()
            for number, control_id in rows:
                self.seen.setdefault(control_id, now)
                last, self.count = number, self.count + 1
            time.sleep(0.02)
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def echo_baseline(batch: list[bytes], rate: float) -> dict[str, float]:
    async def answer(reader: hl7.mllp.HL7StreamReader, writer: hl7.mllp.HL7StreamWriter) -> None:
        try:
            while True:
                await reader.readblock()
                writer.writeblock(ACK)
                await writer.drain()
        except asyncio.IncompleteReadError:
            writer.close()

    port = free_port()
    server = await hl7.mllp.start_hl7_server(answer, "127.0.0.1", port)
    async with server:
        done = await replay_messages(batch, "127.0.0.1", port, rate)
    return {"p50_ms": done.percentile(50) * 1000, "p99_ms": done.percentile(99) * 1000}


def feed(batch: list[bytes], rate: float) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory(prefix="care-feed-") as folder:
        workspace = Path(folder)
        cli = [sys.executable, "-c", "from commontable.cli import main; main()"]
        subprocess.run([*cli, "init", str(workspace)], check=True, capture_output=True)
        expected = region(workspace, len(batch) // 2)
        watcher = Watcher(workspace / "commontable.db")
        watcher.start()
        port = free_port()
        listener = subprocess.Popen(
            [*cli, "care", "listen", "--mllp-port", str(port), "--source", SOURCE,
             "-w", str(workspace)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        done = asyncio.run(replay_messages(batch, "127.0.0.1", port, rate))
        started = time.perf_counter()
        listener.send_signal(signal.SIGINT)
        said, _ = listener.communicate(timeout=600)
        drained = time.perf_counter() - started
        time.sleep(0.2)
        watcher.stop.set()
        watcher.join()
        with connect(str(workspace / "warehouse.duckdb")) as store:
            stored = int(store.table("adt_event").count().execute())
    print(said.strip().splitlines()[-1])
    latency = [
        watcher.seen[f"B{n}"] - sent
        for n, sent in enumerate(done.sent_at)
        if f"B{n}" in watcher.seen
    ]
    return {
        "notifications_expected": expected,
        "notifications": watcher.count,
        "notified_p50_ms": float(np.percentile(latency, 50)) * 1000,
        "notified_p99_ms": float(np.percentile(latency, 99)) * 1000,
        "sent": len(batch),
        "acknowledged_aa": done.codes.get("AA", 0),
        "stored": stored,
        "p50_ms": done.percentile(50) * 1000,
        "p99_ms": done.percentile(99) * 1000,
        "achieved_rate": len(batch) / done.elapsed,
        "seconds_to_load_the_rest_on_stop": drained,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "care_feed.json")
    args = parser.parse_args()
    batch = messages(int(args.rate * args.seconds))
    baseline = asyncio.run(echo_baseline(batch, args.rate))
    measured = feed(batch, args.rate)
    result = {
        "rate": args.rate,
        "seconds": args.seconds,
        "machine": platform.platform(),
        "baseline_echo": baseline,
        "feed": measured,
        "p99_ratio": measured["p99_ms"] / baseline["p99_ms"],
        "nothing_lost": measured["sent"] == measured["acknowledged_aa"] == measured["stored"],
        "notified_as_the_rules_say": measured["notifications"]
        == measured["notifications_expected"],
        "notified_p99_within_2_s": measured["notified_p99_ms"] < 2000,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"feed at {args.rate:.0f} msg/s for {args.seconds:.0f} s: ack p50 "
        f"{measured['p50_ms']:.1f} ms, p99 {measured['p99_ms']:.1f} ms (bare MLLP echo p99 "
        f"{baseline['p99_ms']:.2f} ms: ratio={result['p99_ratio']:.1f}); sent "
        f"{measured['sent']} = AA {measured['acknowledged_aa']} = stored {measured['stored']}: "
        f"nothing_lost={result['nothing_lost']}; notified p50 {measured['notified_p50_ms']:.0f} "
        f"ms, p99 {measured['notified_p99_ms']:.0f} ms (target 2,000 ms), "
        f"{measured['notifications']} notifications = {measured['notifications_expected']} "
        f"expected: {result['notified_as_the_rules_say']}"
    )


if __name__ == "__main__":
    main()
