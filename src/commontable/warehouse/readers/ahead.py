"""Read a submission's next chunk while the engine checks and writes the current one."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar, cast

Item = TypeVar("Item")
DEPTH = 1  # chunks read ahead of the one being written (each holds up to a million rows)
_WAIT = 0.1  # seconds between looks at whether the consumer has stopped


class _Done:
    """Marks the end of the items."""


def read_ahead(items: Iterator[Item], depth: int = DEPTH) -> Iterator[Item]:
    """The same items in the same order, produced by a worker thread up to `depth` ahead.

    Parsing runs in Arrow's C++ or between engine calls, which release the interpreter, so
    reading overlaps the engine's work. A reader's error is raised here, in its place; when the
    consumer stops early the worker stops after the item it is reading.
    """
    handoff: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def give(entry: tuple[bool, object]) -> bool:
        while not stopped.is_set():
            try:
                handoff.put(entry, timeout=_WAIT)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not give((True, item)):
                    return
            give((True, _Done()))
        except BaseException as error:  # handed to the consumer, raised in its thread
            give((False, error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:  # a generator's open files are closed now, not when collected
                close()

    worker = threading.Thread(target=produce, name="commontable-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            ok, entry = handoff.get()
            if not ok:
                assert isinstance(entry, BaseException)
                raise entry
            if isinstance(entry, _Done):
                return
            yield cast(Item, entry)
    finally:
        stopped.set()
