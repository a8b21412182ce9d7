"""Turn numpy, pyarrow and pandas columns into float arrays, and check per-entity counts."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

Floats: TypeAlias = npt.NDArray[np.float64]
Labels: TypeAlias = npt.NDArray[np.object_]
# One value per entity: a numpy array, a pyarrow array or column, a pandas Series, or a list.
Column: TypeAlias = npt.ArrayLike | pa.Array | pa.ChunkedArray | pd.Series


def floats(values: Column | float) -> Floats:
    """The values as float64; a missing value (Arrow or pandas null) becomes NaN."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        values = values.to_numpy(zero_copy_only=False)
    elif isinstance(values, pd.Series):
        values = values.to_numpy(dtype="float64", na_value=np.nan)
    array: Any = values
    return np.asarray(array, dtype=np.float64)


def counts(numerator: Column, denominator: Column) -> tuple[Floats, Floats]:
    """Numerators and denominators as floats, refused when one is negative or x > n."""
    x, n = np.broadcast_arrays(floats(numerator), floats(denominator))
    with np.errstate(invalid="ignore"):
        bad = (x < 0) | (n < 0) | (x > n)
    if np.any(bad):
        first = int(np.flatnonzero(np.ravel(bad))[0])
        raise ValueError(
            f"{int(np.sum(bad))} entities have a negative count or a numerator above the "
            f"denominator (the first is at position {first}: "
            f"{np.ravel(x)[first]:g}/{np.ravel(n)[first]:g})"
        )
    return x.astype(np.float64), n.astype(np.float64)


def labels(shape: tuple[int, ...], fill: str | None = None) -> Labels:
    """An object array of text labels (None is a null label, shown as null in Arrow)."""
    return np.full(shape, fill, dtype=object)
