"""The listener in-process: a load runs in a thread and is never cut short; what arrives while
a load runs is loaded by the next one, and stopping loads everything that has arrived."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path

import hl7.mllp

from commontable.care import AdtFeed, Spool, serve_feed
from tests.care.messages import adt, run_apart
from tests.care.test_feed import _free_port


def _loaded_messages(batches: list[str]) -> list[str]:
    return [m for text in batches for m in text.split("\r\r") if m.strip()]


def test_stopping_during_a_load_still_loads_what_arrived_meanwhile(tmp_path: Path) -> None:
    loading = threading.Event()
    loaded: list[str] = []

    def slow_load(batch: Path) -> None:
        loading.set()
        time.sleep(0.5)  # a load under way when the listener is stopped
        loaded.append(batch.read_text())
        batch.unlink()

    async def scenario() -> None:
        feed = AdtFeed(Spool(tmp_path / "spool"), slow_load, batch_seconds=0.1)
        port = _free_port()
        started = asyncio.Event()
        serving = asyncio.create_task(serve_feed(feed, "127.0.0.1", port, started))
        await started.wait()
        reader, writer = await hl7.mllp.open_hl7_connection("127.0.0.1", port)
        writer.writeblock(adt("A04", "FIRST"))
        await reader.readblock()
        await asyncio.to_thread(loading.wait, 5)
        writer.writeblock(adt("A03", "SECOND"))  # arrives while the first load runs
        await reader.readblock()
        writer.close()
        serving.cancel()  # Ctrl+C while the load is under way
        with contextlib.suppress(asyncio.CancelledError):
            await serving

    run_apart(asyncio.run, scenario())
    messages = _loaded_messages(loaded)
    assert ["FIRST" in m for m in messages].count(True) == 1
    assert ["SECOND" in m for m in messages].count(True) == 1
    assert len(messages) == 2


def test_a_batch_that_fails_to_load_stays_on_disk_for_the_next_try(tmp_path: Path) -> None:
    def failing_load(batch: Path) -> None:
        raise RuntimeError("the warehouse is full")

    spool = Spool(tmp_path / "spool")
    feed = AdtFeed(spool, failing_load)
    feed.receive(adt("A01", "KEPT"))
    run_apart(asyncio.run, feed.load_waiting())
    (waiting,) = spool.waiting_batches()
    assert "KEPT" in waiting.read_text()
    assert feed.counts.failed_batches
