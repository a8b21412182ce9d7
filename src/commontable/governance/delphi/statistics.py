"""The statistics of one item's ratings on the 1–9 scale: centre, spread, the shares at each
end, and the RAND/UCLA test for disagreement (the IPRAS).

Percentiles (Q1, Q3, P30, P70) interpolate linearly between the sorted ratings (Hyndman & Fan
type 7: numpy's and pandas' default, R's `quantile()`, Excel's PERCENTILE), which reproduces the
worked RAND/UCLA example of Table 1 in BMJ Open 2012;2:e001431 (15 ratings: P30 7, P70 8,
IPRAS 6.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

SCALE = range(1, 10)
LOW = range(1, 4)  # 1–3: not important / inappropriate
HIGH = range(7, 10)  # 7–9: critical / appropriate
SCALE_CENTRE = 5

# RAND/UCLA Appropriateness Method User's Manual (Fitch et al. 2001, RAND MR-1269-DG-XII/RE),
# the IPRAS method of finding disagreement: the interpercentile range from the 30th to the
# 70th percentile (IPR) is compared with the IPR Adjusted for Symmetry,
#   IPRAS = IPRr + AI × CFA, with AI = |5 − (P30 + P70) / 2|,
# and an item is rated with disagreement when IPR > IPRAS.
LOWER_PERCENTILE = 30
UPPER_PERCENTILE = 70
IPR_REQUIRED = 2.35  # IPRr: the IPR that means disagreement when the ratings are symmetric
ASYMMETRY_CORRECTION = 1.5  # CFA: the correction factor for asymmetry


@dataclass(frozen=True)
class ItemStatistics:
    """What the panel's ratings of one item (in one round, perhaps one group) say."""

    n: int
    median: float
    q1: float
    q3: float
    share_high: float  # of ratings 7–9
    share_low: float  # of ratings 1–3
    p30: float
    p70: float
    ipr: float
    ipras: float
    disagreement: bool
    distribution: tuple[int, ...]  # how many rated 1, 2, ... 9

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    def as_row(self) -> dict[str, Any]:
        """The statistics as one flat row (without the distribution)."""
        row = asdict(self)
        del row["distribution"]
        return row


def percentile(ratings: Sequence[int] | np.ndarray, q: float) -> float:
    """The `q`th percentile (0–100), by linear interpolation between the sorted ratings."""
    return float(np.percentile(np.asarray(ratings, dtype=float), q, method="linear"))


def asymmetry_index(p30: float, p70: float) -> float:
    """AI: how far the centre of the interpercentile range lies from the scale's centre (5)."""
    return abs(SCALE_CENTRE - (p30 + p70) / 2)


def ipras(p30: float, p70: float) -> float:
    """The interpercentile range adjusted for symmetry: the widest IPR without disagreement."""
    return IPR_REQUIRED + ASYMMETRY_CORRECTION * asymmetry_index(p30, p70)


def describe(ratings: Sequence[int] | np.ndarray) -> ItemStatistics:
    """The statistics of a non-empty set of ratings, each a whole number from 1 to 9.

    Example:
        >>> describe([4, 5, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9]).ipras
        6.1
    """
    values = np.asarray(ratings, dtype=int)
    if values.size == 0:
        raise ValueError("no ratings to describe")
    if values.min() < SCALE.start or values.max() >= SCALE.stop:
        raise ValueError(f"ratings must be whole numbers from 1 to 9, not {sorted(set(values))}")
    p30 = percentile(values, LOWER_PERCENTILE)
    p70 = percentile(values, UPPER_PERCENTILE)
    width = p70 - p30
    limit = round(ipras(p30, p70), 10)  # 2.35 + 1.5 × 2.5 is 6.1, not 6.1000000000000005
    counts = np.bincount(values, minlength=SCALE.stop)[SCALE.start :]
    return ItemStatistics(
        n=int(values.size),
        median=float(np.median(values)),
        q1=percentile(values, 25),
        q3=percentile(values, 75),
        share_high=float(np.isin(values, HIGH).mean()),
        share_low=float(np.isin(values, LOW).mean()),
        p30=p30,
        p70=p70,
        ipr=width,
        ipras=limit,
        disagreement=bool(width > limit),
        distribution=tuple(int(c) for c in counts),
    )
