"""`commontable care listen`: a hospital's interface engine sends ADT over MLLP, each message is
acknowledged, accepted ones are loaded like any submission, refused ones are kept with their
reason; stopping the listener loads what has arrived first."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hl7
import hl7.mllp
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from commontable.care import ACCEPTED_EVENTS
from commontable.cli import app
from commontable.config import load_settings
from commontable.warehouse import connect, reading_copy
from tests.care.messages import adt, run_apart

SOURCE = "lakeside-general-hospital"
UPLOAD = "upload-submission"
runner = CliRunner()


@dataclass
class Listener:
    workspace: Path
    port: int
    process: subprocess.Popen[str]

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=60)
        return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_listener(workspace: Path) -> Listener:
    """`commontable care listen` for the hospital, in a process of its own, once it answers."""
    port = _free_port()
    command = [sys.executable, "-c", "from commontable.cli import main; main()", "care", "listen",
               "--mllp-port", str(port), "--source", SOURCE, "--batch-seconds", "0.2",
               "-w", str(workspace)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_for(port, process)
    return Listener(workspace, port, process)


def wait_for(port: int, process: subprocess.Popen[Any]) -> None:
    """Until a listener answers on `port` (its process must not end meanwhile), 30 s at most."""
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the listener did not start"
            time.sleep(0.1)


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[Listener]:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    found = start_listener(tmp_path)
    yield found
    if found.process.poll() is None:
        found.stop()


def send(port: int, *messages: bytes) -> list[hl7.Message]:
    """Send messages over one MLLP connection; the acknowledgements, in order."""

    async def conversation() -> list[hl7.Message]:
        reader, writer = await hl7.mllp.open_hl7_connection("127.0.0.1", port)
        acks = []
        for message in messages:
            writer.writeblock(message)
            await writer.drain()
            acks.append(hl7.parse((await reader.readblock()).decode()))
        writer.close()
        await writer.wait_closed()
        return acks

    return run_apart(asyncio.run, conversation())


def _loaded_submissions(workspace: Path) -> list[dict[str, object]]:
    with reading_copy(load_settings(workspace)) as copy:
        rows = copy.table("submission").to_pyarrow().to_pylist()
    return [r for r in rows if r["status"] == "loaded"]


def _wait_for_a_load(workspace: Path) -> list[dict[str, object]]:
    deadline = time.monotonic() + 30
    while not (loaded := _loaded_submissions(workspace)):
        assert time.monotonic() < deadline, "nothing was loaded"
        time.sleep(0.2)
    return loaded


def _adt_events(workspace: Path) -> int:
    with connect(str(workspace / "warehouse.duckdb")) as store:
        return int(store.table("adt_event").count().execute())


def test_each_message_is_acknowledged_by_its_control_id(listener: Listener) -> None:
    acks = send(listener.port, adt("A04", "LGH1"), adt("A03", "LGH2"))
    assert [(str(a.segment("MSA")(1)), str(a.segment("MSA")(2))) for a in acks] == [
        ("AA", "LGH1"),
        ("AA", "LGH2"),
    ]


def test_accepted_messages_are_loaded_like_a_submission(listener: Listener) -> None:
    send(listener.port, adt("A04", "LGH1", "H1"), adt("A03", "LGH2", "H1"))
    loaded = _wait_for_a_load(listener.workspace)
    assert loaded[0]["data_source"] == SOURCE
    said = listener.stop()
    assert "2 accepted, 0 refused" in said
    assert _adt_events(listener.workspace) == 2


def test_a_bad_message_gets_its_reason_back_and_is_kept(listener: Listener) -> None:
    (ack,) = send(listener.port, adt("A04", "LGH3", patient_id=""))
    assert str(ack.segment("MSA")(1)) == "AE"
    assert "PID-3" in str(ack.segment("MSA")(3))
    listener.stop()
    kept = (listener.workspace / "care" / "feeds" / SOURCE / "refused.jsonl").read_text()
    refused = json.loads(kept.splitlines()[0])
    assert refused["code"] == "AE"
    assert "LGH3" in refused["message"]


def test_stopping_loads_what_has_arrived_first(listener: Listener) -> None:
    send(listener.port, *(adt("A01", f"LGH{n}", f"H{n}") for n in range(10)))
    listener.stop()
    assert _adt_events(listener.workspace) == 10


def test_a_service_managers_sigterm_also_loads_what_has_arrived_first(listener: Listener) -> None:
    send(listener.port, *(adt("A01", f"LGH{n}", f"H{n}") for n in range(10)))
    listener.process.send_signal(signal.SIGTERM)
    out, _ = listener.process.communicate(timeout=60)
    assert "feed stopped: 10 accepted" in out
    assert _adt_events(listener.workspace) == 10


def test_every_event_acknowledged_aa_is_loaded(listener: Listener) -> None:
    events = [adt(event, f"LGH{event}", "H7") for event in ACCEPTED_EVENTS]
    acks = send(listener.port, *events)
    assert {str(a.segment("MSA")(1)) for a in acks} == {"AA"}
    listener.stop()
    assert _adt_events(listener.workspace) == len(ACCEPTED_EVENTS)


def test_each_load_from_the_feed_is_audited(listener: Listener) -> None:
    send(listener.port, adt("A04", "LGH9"))
    submission_id = _wait_for_a_load(listener.workspace)[0]["submission_id"]
    listener.stop()
    engine = create_engine(f"sqlite:///{listener.workspace / 'commontable.db'}")
    with engine.connect() as connection:
        found = connection.execute(text("SELECT action, target, detail FROM audit_event"))
        entries = [(action, target, json.loads(detail)) for action, target, detail in found]
    engine.dispose()
    uploads = [
        (target, detail) for action, target, detail in entries if action == "upload-submission"
    ]
    assert [target for target, _ in uploads] == [f"submission {submission_id}"]
    assert uploads[0][1]["via"] == "command line"


def test_a_file_of_messages_is_replayed_to_the_listener(listener: Listener, tmp_path: Path) -> None:
    feed = tmp_path / "adt.hl7"
    feed.write_bytes(b"\n".join(adt("A04", f"R{n}", f"H{n}") for n in range(5)))
    command = ["care", "replay", str(feed), "--mllp-port", str(listener.port), "--rate", "100"]
    done = run_apart(runner.invoke, app, command)
    assert done.exit_code == 0, done.output
    assert "replayed 5 messages" in done.output
    assert "5 AA" in done.output
    assert "p99" in done.output
    listener.stop()
    assert _adt_events(listener.workspace) == 5


def test_replaying_a_file_without_messages_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.hl7"
    empty.write_text("nothing here\n")
    done = runner.invoke(app, ["care", "replay", str(empty), "--mllp-port", "2575"])
    assert done.exit_code != 0
    assert "no HL7 v2 message" in str(done.exception)


def test_replaying_to_a_port_nobody_listens_on_says_so(tmp_path: Path) -> None:
    feed = tmp_path / "adt.hl7"
    feed.write_bytes(adt("A04", "R1"))
    port = _free_port()
    done = run_apart(runner.invoke, app, ["care", "replay", str(feed), "--mllp-port", str(port)])
    assert done.exit_code != 0
    assert f"no listener at 127.0.0.1:{port}" in str(done.exception)


def test_synth_feed_replays_the_last_day_of_the_regions_adt(listener: Listener) -> None:
    region = listener.workspace / "region"
    folder = region / "sources" / SOURCE
    folder.mkdir(parents=True)
    days = [("LGH1", "20251230090000"), ("LGH2", "20251231080000"), ("LGH3", "20251231100000")]
    text = "\r".join(
        adt("A04", control_id).decode().replace("20250301101500", stamp)
        for control_id, stamp in days
    )
    (folder / "adt.hl7").write_text(text)
    # In a thread of its own: the command runs an event loop (see messages.run_apart).
    result = run_apart(runner.invoke, app, ["synth", "--feed", "--out", str(region),
                                            "--mllp-port", str(listener.port)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2025-12-31: replayed 2 messages" in result.output
    assert "2 AA" in result.output
