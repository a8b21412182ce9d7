"""The warehouse has one writer at a time: a command or the job worker takes its turn (a lock
file beside the warehouse) and the others wait for it, instead of failing because DuckDB lets
only one process open the file. Whoever writes leaves the reading copy up to date."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from commontable.config import Settings
from commontable.errors import Conflict
from commontable.warehouse.encryption import warehouse_key
from commontable.warehouse.reading import SUFFIX, reading_path, write_reading
from commontable.warehouse.store import Warehouse, connect

Waiting = Callable[[], None]


def turn_file(settings: Settings) -> Path | None:
    """The lock file whose holder is the warehouse's one writer (None: a warehouse in memory)."""
    reading = reading_path(settings)
    return None if reading is None else reading.with_name(reading.name.replace(SUFFIX, ".turn"))


@contextmanager
def writer_turn(
    lock_file: Path | None, *, wait: float | None = None, waiting: Waiting | None = None
) -> Iterator[None]:
    """Hold the warehouse's turn for the block; wait for it (at most `wait` seconds; None: as
    long as it takes), calling `waiting` first if someone else has it."""
    if lock_file is None:
        yield
        return
    lock = FileLock(lock_file, mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if waiting is not None:
            waiting()
        try:
            lock.acquire(timeout=-1 if wait is None else wait)
        except Timeout as error:
            raise Conflict(
                "the warehouse is busy with a load, a match or a measure run; "
                "try again when it has finished"
            ) from error
    try:
        yield
    finally:
        lock.release()


@contextmanager
def writing(
    settings: Settings,
    *,
    refresh: bool = True,
    wait: float | None = None,
    waiting: Waiting | None = None,
) -> Iterator[Warehouse]:
    """The warehouse, open for the block in the writer's turn; when the block succeeds, the
    reading copy is written again from it (unless `refresh` is off: nothing it holds changed)."""
    path = reading_path(settings)
    key = warehouse_key(settings)
    with (
        writer_turn(turn_file(settings), wait=wait, waiting=waiting),
        connect(
            settings.warehouse_url,
            spark_dir=settings.resolve(settings.spark_warehouse_dir),
            key=key,
        ) as store,
    ):
        yield store
        if path is not None and (refresh or not path.exists()):
            write_reading(store, path, key)
