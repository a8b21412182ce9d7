"""Two-sided tests of an entity against the rest of the collaborative, and the false discovery
rate: one p-value per entity, then Benjamini–Hochberg q-values within a family of comparisons.

Each test compares two independent groups, the entity and the rest (the collaborative minus the
entity), so that an entity is never compared with a reference that contains it:

* `two_proportions_p`: the "N − 1" chi-squared test, or Fisher's exact test for small tables;
* `poisson_rates_p`: the exact conditional test of two Poisson rates (events over exposures, or
  observed over expected events for an indirectly standardised result);
* `ratios_p`: a z test of two ratio estimates with their variances (costs per member-month, O/E
  of costs), for the large member counts costs are reported on.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from commontable.measures.statistics._arrays import Column, Floats, floats

# The false discovery rate a family of comparisons is held to (Benjamini & Hochberg 1995).
FDR = 0.05
# Campbell (2007), Stat Med 26:3661-75: the "N - 1" chi-squared test keeps its size when every
# expected cell count is at least 1; below that, the Fisher-Irwin test.
MIN_EXPECTED_CELL = 1.0


def two_proportions_p(x1: Column, n1: Column, x2: Column, n2: Column) -> Floats:
    """Two-sided p-value that two proportions x1/n1 and x2/n2 are equal; NaN where n1 or n2 is 0.

    Campbell's recommendation for 2x2 tables (Stat Med 2007;26:3661-75): the "N − 1"
    chi-squared test, (ad − bc)²(N − 1) / (r1 r2 c1 c2), when every expected count is at least 1,
    else the Fisher–Irwin exact test (two-sided by Irwin's rule, as scipy's `fisher_exact`).
    """
    a, n, c, m = np.broadcast_arrays(floats(x1), floats(n1), floats(x2), floats(n2))
    a, n, c, m = (np.ravel(v).astype(np.float64) for v in (a, n, c, m))
    total, events = n + m, a + c
    p = np.full(a.shape, np.nan)
    valid = (n > 0) & (m > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        smallest = np.minimum(np.minimum(n, m) * events, np.minimum(n, m) * (total - events))
        smallest = smallest / total
        b, d = n - a, m - c
        chi2 = (a * d - b * c) ** 2 * (total - 1) / (n * m * events * (total - events))
    constant = valid & ((events == 0) | (events == total))
    p[constant] = 1.0  # every case a hit, or every case a miss: nothing to tell the groups apart
    large = valid & ~constant & (smallest >= MIN_EXPECTED_CELL)
    p[large] = stats.chi2.sf(chi2[large], 1)
    # The few small tables left go one by one (a loop over results, never over patients).
    for k in np.flatnonzero(valid & ~constant & ~large):
        table = [[int(a[k]), int(b[k])], [int(c[k]), int(d[k])]]
        p[k] = stats.fisher_exact(table).pvalue
    return p


def _binomial_tails(x: Floats, n: Floats, p0: Floats) -> tuple[Floats, Floats]:
    """P(X <= x) and P(X >= x) for X ~ Binomial(n, p0), continued to real x and n (beta form)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(x >= n, 1.0, special.betainc(np.maximum(n - x, 1e-300), x + 1, 1 - p0))
        upper = np.where(x <= 0, 1.0, special.betainc(np.maximum(x, 1e-300), n - x + 1, p0))
    return lower, upper


def poisson_rates_p(
    events1: Column,
    exposure1: Column,
    events2: Column,
    exposure2: Column,
    *,
    dispersion: Column | float = 1.0,
) -> Floats:
    """Two-sided p-value that two Poisson rates are equal: events1/exposure1 vs events2/exposure2.

    The exact conditional test (Przyborowski & Wilenski 1940, Biometrika 31:313; Gu et al. 2008,
    Biometrical Journal 50:283): given the total x1 + x2, x1 ~ Binomial(x1 + x2, t1 / (t1 + t2))
    when the rates are equal; two-sided by doubling the smaller tail (the "central" p-value, Fay
    2010, R Journal 2:53). For indirectly standardised results pass expected events as the
    exposures: the test then compares the two O/E ratios. With `dispersion` φ > 1 (events more
    variable than Poisson, e.g. visits clustered in frequent users) counts are divided by φ, the
    quasi-Poisson scaling of McCullagh & Nelder (1989, Generalized Linear Models, 2nd ed., 9.2).
    NaN where an exposure is not positive.
    """
    x1, t1, x2, t2, phi = np.broadcast_arrays(
        floats(events1), floats(exposure1), floats(events2), floats(exposure2), floats(dispersion)
    )
    phi = np.where(phi > 1, phi, 1.0)
    x, n = x1 / phi, (x1 + x2) / phi
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = t1 / (t1 + t2)
    lower, upper = _binomial_tails(x, n, p0)
    p = np.minimum(1.0, 2 * np.minimum(lower, upper))
    p = np.where(n == 0, 1.0, p)  # no events anywhere: nothing to compare
    return np.where((t1 > 0) & (t2 > 0), p, np.nan)


def ratios_p(ratio1: Column, variance1: Column, ratio2: Column, variance2: Column) -> Floats:
    """Two-sided p-value that two independent ratio estimates are equal: a z test (Welch type).

    z = (R1 − R2) / √(var R1 + var R2), each variance the ratio estimator's across members
    (statistics.ratio_variance); for costs, reported only from 30 members up, where the normal
    approximation holds. NaN where a variance is missing or both are 0.
    """
    r1, v1, r2, v2 = np.broadcast_arrays(
        floats(ratio1), floats(variance1), floats(ratio2), floats(variance2)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (r1 - r2) / np.sqrt(v1 + v2)
    p = 2 * stats.norm.sf(np.abs(z))
    p = np.where((v1 + v2 == 0) & (r1 == r2), 1.0, p)
    return np.where(np.isnan(v1) | np.isnan(v2) | (v1 + v2 < 0), np.nan, p)


def benjamini_hochberg(p_values: Column) -> Floats:
    """Benjamini–Hochberg adjusted p-values (q-values) of one family; NaN p-values stay NaN.

    q_(i) = min over k >= i of m p_(k) / k, capped at 1, with m the p-values present (Benjamini &
    Hochberg 1995, JRSS B 57:289-300). Flagging q <= α keeps the expected share of false flags
    among the flagged at or under α for independent (or positively dependent) tests.

    Example:
        >>> benjamini_hochberg([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
        [0.03, 0.04, 0.04, nan]
    """
    p = np.ravel(floats(p_values))
    q = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    if present.size == 0:
        return q
    order = present[np.argsort(p[present], kind="stable")]
    ranked = p[order] * present.size / np.arange(1, present.size + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q
