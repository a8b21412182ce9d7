"""Better / worse / average: each result against the rest of the collaborative, FDR controlled.

One rule for every face (explorer, report, scorecards), decided here once per result:

* Reference: the rest of the collaborative in the same stratum, the collaborative's counts minus
  the entity's (leave-one-out), so a large entity is not compared with itself; a collaborative
  stratum (an equity view: one race, one payer type...) against the rest of the collaborative.
  The collaborative's own whole-population result is not compared.
* Scale and test (two-sided p-value), by measure:
  - proportion: the two proportions (statistics.two_proportions_p: "N − 1" chi-squared, or
    Fisher's exact test for small tables);
  - age/sex standardised rate (ED visits, admissions, PQIs) and risk-adjusted proportion
    (readmissions by plan, clinic, county): O/E against the rest's O/E, the exact conditional
    Poisson test on expected events (statistics.poisson_rates_p), with the measure's
    overdispersion (below);
  - standardised cost: paid/expected paid against the rest's, a z test with the ratio
    estimator's variance across members (statistics.ratios_p);
  - crude rate or cost (a measure that opts out of standardisation): the same tests on the
    rates themselves (member-years, member-months);
  - hospitals of a hierarchical measure (HWR-30): predicted/expected, whose log has the
    posterior standard deviation of the hospital's intercept; z = log(P/E) / sd (a comparison
    with the average hospital, as CMS makes, not leave-one-out).
* Comparable only with a denominator of at least the minimum (status "reported"), a reference
  with cases in it, and, for rates, PQIs and risk-adjusted results, at least MIN_EXPECTED_EVENTS
  expected events (NCHS: rates on fewer than 20 events are unreliable). The collaborative's
  strata by age band and sex are not compared for a standardised or risk-adjusted measure: the
  adjustment takes exactly those differences out.
* False discovery rate: Benjamini–Hochberg q-values within each family of one measure, period
  and entity type (the collaborative's strata are a family of their own); `comparison` is
  "better" or "worse" when q <= 0.05, on the side the estimate lies, "average" otherwise, and
  null when not comparable.
* Overdispersion of a standardised rate: φ = Σ (o_i − e_i)² / Σ e_i over the collaborative's
  members (observed and expected events of each member); Poisson events give φ ≈ 1, visits
  concentrated in frequent users φ > 1 (McCullagh & Nelder 1989, 9.2). Tests and O/E intervals
  of the measure use max(1, φ).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from commontable.measures.definition import Measure
from commontable.measures.entities import ALL, COLLABORATIVE
from commontable.measures.statistics import (
    AVERAGE,
    BETTER,
    FDR,
    MIN_EXPECTED_EVENTS,
    REPORTED,
    WORSE,
    benjamini_hochberg,
    poisson_rates_p,
    ratio_variance,
    ratios_p,
    two_proportions_p,
)

# Strata a standardised or risk-adjusted measure adjusts for: the collaborative's are not compared.
ADJUSTED_STRATA = ("age_band", "sex")


def numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as float64 (NaN for nulls)."""
    return frame[name].to_numpy(dtype="float64", na_value=np.nan)


def reference_positions(frame: pd.DataFrame) -> np.ndarray:
    """For each result, the row of the collaborative's cell it is part of: the same stratum for
    an entity, the whole collaborative for a collaborative stratum; -1 for the whole collaborative
    (a loop over results, not patients)."""
    own = (frame.entity_type == COLLABORATIVE).to_numpy()
    whole = own & (frame.stratum_type == ALL).to_numpy()
    keys = list(zip(frame.measure_id, frame.stratum_type, frame.stratum, strict=True))
    cells = {keys[k]: k for k in np.flatnonzero(own)}
    overall = {keys[k][0]: k for k in np.flatnonzero(whole)}
    found = [
        overall.get(key[0], -1) if mine else cells.get(key, -1)
        for key, mine in zip(keys, own, strict=True)
    ]
    positions = np.array(found, dtype=np.int64)
    positions[whole] = -1
    return positions


def reference_rows(
    frame: pd.DataFrame, columns: Sequence[str], positions: np.ndarray | None = None
) -> pd.DataFrame:
    """The collaborative's cell of each result (`reference_positions`), NaN where none."""
    at = reference_positions(frame) if positions is None else positions
    values = frame[list(columns)].to_numpy(dtype="float64", na_value=np.nan)
    found = np.full(values.shape, np.nan)
    found[at >= 0] = values[at[at >= 0]]
    return pd.DataFrame(found, columns=list(columns))


def rest_of_collaborative(
    frame: pd.DataFrame, columns: Sequence[str], positions: np.ndarray | None = None
) -> pd.DataFrame:
    """The reference cell minus the result's own counts and sums: the rest of the collaborative."""
    reference = reference_rows(frame, columns, positions)
    own = frame[list(columns)].to_numpy(dtype="float64", na_value=np.nan)
    return reference - own


class Scale(NamedTuple):
    """What a result is compared on: its estimate and sampling variance, the rest's estimate, the
    two-sided p-value, and the expected events the minimum applies to (NaN: no minimum)."""

    estimate: np.ndarray
    variance: np.ndarray
    rest: np.ndarray
    p_value: np.ndarray
    events: np.ndarray


def dispersion(frame: pd.DataFrame) -> float:
    """φ of a standardised rate from the collaborative's whole-population sums (module doc)."""
    whole = frame[(frame.entity_type == COLLABORATIVE) & (frame.stratum_type == ALL)]
    if whole.empty:
        return 1.0
    row = whole.iloc[0]
    squares = row.observed_squares - 2 * row.observed_by_expected + row.expected_squares
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = float(squares / row.expected) if row.expected > 0 else float("nan")
    return phi if np.isfinite(phi) and phi > 1 else 1.0


def proportion_scale(frame: pd.DataFrame, rest: pd.DataFrame, wanted: np.ndarray) -> Scale:
    """Proportions, with p-values for the `wanted` results only (Fisher's test is per table)."""
    x, n = numbers(frame, "numerator"), numbers(frame, "denominator")
    rx, rn = numbers(rest, "numerator"), numbers(rest, "denominator")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate, other = x / n, rx / rn
    p = np.full(len(frame), np.nan)
    ok = wanted & (n > 0) & (rn > 0)
    p[ok] = two_proportions_p(x[ok], n[ok], rx[ok], rn[ok])
    return Scale(rate, rate * (1 - rate) / n, other, p, np.full(len(frame), np.nan))


def events_scale(
    observed: np.ndarray,
    exposure: np.ndarray,
    rest_observed: np.ndarray,
    rest_exposure: np.ndarray,
    reference: np.ndarray,
    phi: float,
) -> Scale:
    """Events over an exposure (expected events, or member-years at the reference rate)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = observed / exposure
        other = rest_observed / rest_exposure
        variance = phi * reference / exposure
    p = poisson_rates_p(observed, exposure, rest_observed, rest_exposure, dispersion=phi)
    return Scale(estimate, variance, other, p, exposure * reference)


def ratio_scale(
    frame: pd.DataFrame, rest: pd.DataFrame, exposure: str, cross: str, squares: str
) -> Scale:
    """Paid over an exposure (member-months, or expected paid), each with its ratio variance."""

    def ratio(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        paid, base = numbers(table, "paid_amount"), numbers(table, exposure)
        variance = ratio_variance(
            paid,
            base,
            numbers(table, "paid_squares"),
            numbers(table, cross),
            numbers(table, squares),
            numbers(table, "denominator"),
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            return paid / base, variance

    estimate, variance = ratio(frame)
    other, other_variance = ratio(rest)
    p = ratios_p(estimate, variance, other, other_variance)
    return Scale(estimate, variance, other, p, np.full(len(frame), np.nan))


def hierarchical_scale(frame: pd.DataFrame, cluster_variance: float) -> Scale:
    """P/E of whole-hospital results: log(P/E) has about the intercept's posterior sd × d / P."""
    predicted, expected = numbers(frame, "predicted"), numbers(frame, "expected")
    information = numbers(frame, "predicted_information")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = predicted / expected
        # Laplace: the intercept's posterior variance is 1 / (d + 1/τ²); 0 when τ² is 0.
        posterior_sd = np.sqrt(cluster_variance / (1 + cluster_variance * information))
        log_error = posterior_sd * information / predicted
        z = np.log(ratio) / log_error
    p = np.where(log_error > 0, 2 * stats.norm.sf(np.abs(z)), 1.0)
    variance = (ratio * log_error) ** 2
    return Scale(ratio, variance, np.ones(len(frame)), p, expected)


def flags(
    frame: pd.DataFrame, scale: Scale, comparable: np.ndarray, higher_is_better: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p-value, BH q-value and comparison of one measure's results (module docstring)."""
    enough = np.isnan(scale.events) | (scale.events >= MIN_EXPECTED_EVENTS)
    tested = comparable & enough & ~np.isnan(scale.p_value) & ~np.isnan(scale.estimate)
    p = np.where(tested, scale.p_value, np.nan)
    q = np.full(len(frame), np.nan)
    types = frame.entity_type.to_numpy()
    for entity_type in pd.unique(types):
        family = types == entity_type
        q[family] = benjamini_hochberg(p[family])
    comparison = np.full(len(frame), None, dtype=object)
    comparison[tested] = AVERAGE
    above = tested & (q <= FDR) & (scale.estimate > scale.rest)
    below = tested & (q <= FDR) & (scale.estimate < scale.rest)
    comparison[above] = BETTER if higher_is_better else WORSE
    comparison[below] = WORSE if higher_is_better else BETTER
    return p, q, comparison


def comparable(frame: pd.DataFrame, rest: pd.DataFrame, measure: Measure) -> np.ndarray:
    """Results that may be compared at all: reported, a reference with cases, not adjusted away."""
    reported = (frame.status == REPORTED).to_numpy()
    has_rest = numbers(rest, "denominator") > 0
    adjusted = measure.is_standardised or measure.risk_adjustment is not None
    collaborative = (frame.entity_type == COLLABORATIVE).to_numpy()
    adjusted_away = adjusted & collaborative & frame.stratum_type.isin(ADJUSTED_STRATA).to_numpy()
    return reported & has_rest & ~adjusted_away
