"""Reading a submission's next chunk while the current one is written."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from commontable.warehouse.readers.ahead import read_ahead


def test_items_arrive_in_order_and_all_of_them() -> None:
    assert list(read_ahead(iter(range(50)))) == list(range(50))


def test_an_empty_reader_yields_nothing() -> None:
    assert list(read_ahead(iter([]))) == []


def test_a_reader_error_is_raised_where_its_item_would_have_been() -> None:
    def reader() -> Iterator[int]:
        yield 1
        raise ValueError("line 3 is not CSV")

    items = read_ahead(reader())
    assert next(items) == 1
    with pytest.raises(ValueError, match="line 3 is not CSV"):
        next(items)


def test_the_reader_stops_when_the_consumer_stops_early() -> None:
    produced: list[int] = []
    finished = threading.Event()

    def reader() -> Iterator[int]:
        try:
            for i in range(1_000):
                produced.append(i)
                yield i
        finally:
            finished.set()

    items = read_ahead(reader(), depth=1)
    assert next(items) == 0
    items.close()
    assert finished.wait(timeout=5)
    assert len(produced) < 10


def test_the_reader_works_ahead_of_the_consumer() -> None:
    second_read = threading.Event()

    def reader() -> Iterator[int]:
        yield 1
        yield 2
        second_read.set()

    items = read_ahead(reader(), depth=1)
    assert next(items) == 1
    # while the first item is still being used, the next one is read
    assert second_read.wait(timeout=5)
    assert list(items) == [2]
