"""Confidence intervals: Wilson score intervals for rates, exact Poisson ones for O/E ratios."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import stats

from commontable.measures.statistics._arrays import Column, Floats, counts, floats


class Interval(NamedTuple):
    """Lower and upper confidence limits, one per entity (NaN where there is nothing to bound)."""

    low: Floats
    high: Floats


def z_score(confidence: float = 0.95) -> float:
    """The two-sided standard normal quantile for a confidence level (0.95 -> 1.959964)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(
    numerator: Column,
    denominator: Column,
    *,
    confidence: float = 0.95,
    z: float | None = None,
) -> Interval:
    """Wilson score interval of numerator/denominator, per entity; NaN where the denominator is 0.

    Chosen over the Wald interval because it keeps its coverage for small n and rates near 0 or 1
    and never leaves [0, 1]. Pass `z` to set the quantile directly instead of `confidence`.

    Example:
        >>> low, high = wilson_interval([81], [263])
        >>> round(float(low[0]), 4), round(float(high[0]), 4)
        (0.2553, 0.3662)
    """
    x, n = counts(numerator, denominator)
    z = z_score(confidence) if z is None else float(z)
    if z <= 0:
        raise ValueError(f"z must be positive, not {z}")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z2n = z * z / n
        # Wilson (1927), JASA 22:209-212, as recommended by Brown, Cai & DasGupta (2001), Stat Sci
        # 16:101-133: centre (p + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p(1-p)/n + z²/4n²).
        centre = (p + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(p * (1 - p) / n + z2n / (4 * n))
        low = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        high = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    empty = ~(n > 0)
    return Interval(np.where(empty, np.nan, low), np.where(empty, np.nan, high))


def poisson_ratio_interval(
    observed: Column,
    expected: Column,
    *,
    confidence: float = 0.95,
    dispersion: Column | float = 1.0,
) -> Interval:
    """Exact interval for observed/expected, treating the observed count as Poisson, E as fixed.

    Used for risk-adjusted (indirectly standardised) ratios; NaN where the expected count is 0.
    With `dispersion` φ > 1 the count is taken as φ times a Poisson count of mean O/φ (the
    quasi-Poisson scaling, McCullagh & Nelder 1989, 9.2), which widens the interval by about √φ.
    """
    o, e, phi = np.broadcast_arrays(floats(observed), floats(expected), floats(dispersion))
    if np.any(o < 0) or np.any(e < 0):
        raise ValueError("observed and expected counts must not be negative")
    alpha = 1 - confidence
    if not 0 < alpha < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    phi = np.where(phi > 1, phi, 1.0)
    o = o / phi
    # Exact (Garwood 1936, Biometrika 28:437) limits for a Poisson count O, written with gamma
    # quantiles as in Ulm (1990), Am J Epidemiol 131:373: [G(α/2; O), G(1-α/2; O+1)], divided by E
    # (the SMR interval of Breslow & Day 1987, Statistical Methods in Cancer Research, vol. II).
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(o > 0, stats.gamma.ppf(alpha / 2, np.where(o > 0, o, 1)), 0.0) * phi / e
        high = stats.gamma.ppf(1 - alpha / 2, o + 1) * phi / e
    empty = ~(e > 0)
    return Interval(np.where(empty, np.nan, low), np.where(empty, np.nan, high))


def ratio_interval(
    total: Column,
    exposure: Column,
    total_squares: Column,
    cross_products: Column,
    exposure_squares: Column,
    count: Column,
    *,
    confidence: float = 0.95,
) -> Interval:
    """Normal-approximation interval of a ratio of sums, R = Σy / Σx, across n members.

    For costs per member-month: y a member's paid amount, x their member-months. Takes the sums
    Σy, Σx, Σy², Σxy, Σx² and n, so the engine can add them up per entity; NaN where Σx is 0
    or n < 2. The lower limit is kept at 0 (a cost is never negative).
    """
    y, x = floats(total), floats(exposure)
    z = z_score(confidence)
    variance = ratio_variance(
        total, exposure, total_squares, cross_products, exposure_squares, count
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = y / x
        error = np.sqrt(variance)
        low = np.maximum(ratio - z * error, 0.0)
        high = ratio + z * error
    empty = np.isnan(variance)
    return Interval(np.where(empty, np.nan, low), np.where(empty, np.nan, high))


def ratio_variance(
    total: Column,
    exposure: Column,
    total_squares: Column,
    cross_products: Column,
    exposure_squares: Column,
    count: Column,
) -> Floats:
    """Variance of a ratio of sums, R = Σy / Σx, across n members (NaN where Σx is 0 or n < 2).

    Members are the sampling units, so the variance follows how much members' y stray from R x_i
    (for an O/E of costs: paid against each member's expected paid), whatever the distribution.
    """
    y, x, yy, xy, xx, n = np.broadcast_arrays(
        *(floats(v) for v in (total, exposure, total_squares, cross_products, exposure_squares)),
        floats(count),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = y / x
        # Ratio estimator variance (delta method; Cochran 1977, Sampling Techniques, 3rd ed.,
        # section 6.3): var(R) = Σ(y_i - R x_i)² / (n (n - 1) x̄²), the sum expanded in the
        # sums: Σy² - 2R Σxy + R² Σx².
        residual = np.maximum(yy - 2 * ratio * xy + ratio**2 * xx, 0.0)
        variance = residual / (n * (n - 1)) / (x / n) ** 2
    empty = ~(x > 0) | ~(n > 1)
    return np.where(empty, np.nan, variance)
