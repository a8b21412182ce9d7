"""Chunks of people and the counters that keep identifiers unique across them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Serials:
    """Running 1-based numbers per id series (encounters of a group, claims of a plan...)."""

    next_of: dict[str, int] = field(default_factory=dict)

    def take(self, series: str, count: int) -> np.ndarray:
        """The next `count` numbers of a series: 1..n in the first chunk, n+1.. in the next."""
        start = self.next_of.get(series, 1)
        self.next_of[series] = start + count
        return np.arange(start, start + count, dtype=np.int64)


@dataclass
class Part:
    """One chunk of the region's people: which of how many, its first person, the id counters."""

    index: int = 0
    count: int = 1
    first: int = 0  # people before this chunk
    serials: Serials = field(default_factory=Serials)

    def id_range(self, low: int, high: int) -> tuple[int, int]:
        """This chunk's share of [low, high), so random ids drawn in it never meet another's."""
        width = (high - low) // self.count
        return low + self.index * width, low + (self.index + 1) * width


def chunks(people: int, size: int) -> list[tuple[int, int]]:
    """(first person, people) of each chunk; the last takes the remainder."""
    count = max(1, -(-people // size))
    edges = [people * k // count for k in range(count + 1)]
    return [(edges[k], edges[k + 1] - edges[k]) for k in range(count)]
