"""Independent, reproducible random streams: one per generator step, derived from the seed."""

from __future__ import annotations

import hashlib

import numpy as np


def stream(seed: int, step: str, chunk: int | None = None) -> np.random.Generator:
    """A generator for one named step (of one chunk of people, when given); the same seed, step
    and chunk always give the same numbers."""
    key = int.from_bytes(hashlib.sha256(step.encode()).digest()[:8], "little")
    entropy = [seed, key] if chunk is None else [seed, key, chunk + 1]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights."""
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")


def weighted_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row of a 2-D weight matrix, drawn with that row's weights."""
    cumulative = np.cumsum(weights, axis=1)
    draw = rng.random(len(weights)) * cumulative[:, -1]
    return (cumulative < draw[:, None]).sum(axis=1)


def distinct(rng: np.random.Generator, low: int, high: int, size: int) -> np.ndarray:
    """`size` distinct integers in [low, high), in random order, without a huge allocation."""
    draws = rng.integers(low, high, size + size // 4 + 16)
    _, first = np.unique(draws, return_index=True)
    kept = draws[np.sort(first)]
    while len(kept) < size:  # pragma: no cover - only when the range is nearly exhausted
        more = rng.integers(low, high, size)
        kept = np.concatenate([kept, np.setdiff1d(more, kept)])
    return kept[:size]
