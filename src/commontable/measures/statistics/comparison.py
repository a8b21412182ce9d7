"""Flag each entity as significantly better or worse than a reference, or no different from it."""

from __future__ import annotations

import numpy as np

from commontable.measures.statistics._arrays import Column, Labels, floats, labels
from commontable.measures.statistics.intervals import poisson_ratio_interval

BETTER, AVERAGE, WORSE = "better", "average", "worse"


def compare_interval(
    low: Column, high: Column, reference: Column | float, *, higher_is_better: bool = True
) -> Labels:
    """Flag "better"/"worse" if the interval lies wholly on one side of `reference`, else "average".

    For a measure where lower is better (poor HbA1c control, readmissions) pass
    `higher_is_better=False`. An entity without an interval (NaN limits) gets a null flag.
    """
    lo, hi, ref = np.broadcast_arrays(floats(low), floats(high), floats(reference))
    above, below = lo > ref, hi < ref  # strictly: an interval touching the reference is "average"
    flags = labels(lo.shape, AVERAGE)
    flags[above] = BETTER if higher_is_better else WORSE
    flags[below] = WORSE if higher_is_better else BETTER
    flags[np.isnan(lo) | np.isnan(hi) | np.isnan(ref)] = None
    return flags


def compare_observed_expected(
    observed: Column,
    expected: Column,
    *,
    confidence: float = 0.95,
    higher_is_better: bool = False,
) -> Labels:
    """Flag risk-adjusted entities by the exact Poisson interval of observed/expected against 1.

    O/E below 1 means fewer events than the entity's case mix predicts: better for adverse outcomes
    such as readmissions (the default, `higher_is_better=False`).
    """
    low, high = poisson_ratio_interval(observed, expected, confidence=confidence)
    return compare_interval(low, high, 1.0, higher_is_better=higher_is_better)
