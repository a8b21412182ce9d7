"""Reliability of entity results: how much of their spread is signal, not chance.

Adams JL. The Reliability of Provider Profiling: A Tutorial. RAND TR-653-NCQA, 2009: an entity's
reliability is the share of its observed result's variance that the between-entity variance
explains, τ² / (τ² + its sampling variance). For proportions each entity's true rate is drawn
from Beta(α, β) and τ² is the variance of that Beta (`fit_beta_binomial`); for any other scale (a
rate, a cost per member-month, an observed/expected ratio) τ² is DerSimonian and Laird's moment
estimate across the entities (`between_variance`, `signal_to_noise`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from commontable.measures.statistics._arrays import Column, Floats, counts, floats

# Bounds of log α and log β for the fit; α + β near e^20 means no measurable spread in true rates.
LOG_BOUNDS = (-12.0, 20.0)
# 1 / (α + β + 1) below this is read as "no between-entity variance" (the fit hit its bound).
NO_SPREAD = 1e-8


@dataclass(frozen=True)
class BetaBinomialFit:
    """The maximum-likelihood Beta(α, β) of the entities' true rates, and what it implies.

    α and β are infinite when the rates show no spread beyond chance (`var_between` is 0).
    """

    alpha: float
    beta: float
    mean: float
    var_between: float
    entities: int
    log_likelihood: float


def _log_likelihood(log_ab: Floats, x: Floats, n: Floats) -> tuple[float, Floats]:
    """Beta-binomial log-likelihood without the constant binomial coefficients, and its gradient."""
    a, b = np.exp(log_ab)
    # P(x | n, α, β) ∝ B(x + α, n - x + β) / B(α, β)  (scipy.stats.betabinom has the same pmf).
    value = np.sum(special.betaln(x + a, n - x + b) - special.betaln(a, b))
    common = special.digamma(a + b) - special.digamma(n + a + b)
    d_a = np.sum(special.digamma(x + a) - special.digamma(a) + common)
    d_b = np.sum(special.digamma(n - x + b) - special.digamma(b) + common)
    return float(value), np.array([d_a * a, d_b * b])  # chain rule for the log scale


def _binomial_log_likelihood(x: Floats, n: Floats, p: float) -> float:
    """The limit of the beta-binomial as α + β grows: every entity has the same true rate p."""
    return float(np.sum(special.xlogy(x, p) + special.xlog1py(n - x, -p)))


def _start(x: Floats, n: Floats) -> Floats:
    """Method-of-moments starting values for (log α, log β), kept inside the bounds."""
    p = x.sum() / n.sum()
    spread = np.var(x / n) - np.mean(p * (1 - p) / n)
    total = p * (1 - p) / spread - 1 if spread > 0 else 1e4
    total = min(max(total, 1.0), 1e6)
    return np.log(np.clip([p * total, (1 - p) * total], 1e-4, 1e6))


def fit_beta_binomial(numerator: Column, denominator: Column) -> BetaBinomialFit:
    """Fit Beta(α, β) to the entities' true rates by maximum likelihood over (log α, log β).

    Entities with a denominator of 0 are left out. With fewer than two entities left (or no entity
    with two or more cases) the spread cannot be estimated and `var_between` is NaN; when the
    observed rates vary no more than chance alone explains, `var_between` is 0.
    """
    x, n = counts(numerator, denominator)
    x, n = np.ravel(x), np.ravel(n)
    keep = n > 0
    x, n = x[keep], n[keep]
    entities = int(keep.sum())
    if entities < 2 or not np.any(n >= 2):
        return BetaBinomialFit(np.nan, np.nan, np.nan, np.nan, entities, np.nan)
    p = float(x.sum() / n.sum())
    binomial = _binomial_log_likelihood(x, n, p)
    if p in (0.0, 1.0):  # every case a miss, or every case a hit: nothing varies
        return BetaBinomialFit(np.inf, np.inf, p, 0.0, entities, 0.0)
    result = optimize.minimize(
        lambda v: tuple(-part for part in _log_likelihood(v, x, n)),
        _start(x, n),
        jac=True,
        method="L-BFGS-B",
        bounds=[LOG_BOUNDS, LOG_BOUNDS],
    )
    a, b = (float(v) for v in np.exp(result.x))
    fitted = -float(result.fun)
    # The log binomial coefficients both likelihoods leave out, added back to report the full value.
    choose = -float(np.sum(np.log(n + 1) + special.betaln(x + 1, n - x + 1)))
    if binomial >= fitted or 1 / (a + b + 1) < NO_SPREAD:
        return BetaBinomialFit(np.inf, np.inf, p, 0.0, entities, binomial + choose)
    # Variance of the true rates, Beta(α, β): αβ / ((α + β)² (α + β + 1)) (Adams 2009, TR-653).
    var_between = a * b / ((a + b) ** 2 * (a + b + 1))
    return BetaBinomialFit(a, b, a / (a + b), var_between, entities, fitted + choose)


def reliability(
    numerator: Column, denominator: Column, *, var_between: float | None = None
) -> Floats:
    """Reliability of each entity's rate, from 0 (all noise) to 1 (all signal); NaN where n = 0.

    The between-entity variance is fitted from these entities unless given. Note that an entity
    whose observed rate is 0 or 1 has no binomial noise in this formula, hence reliability 1.
    """
    x, n = counts(numerator, denominator)
    if var_between is None:
        var_between = fit_beta_binomial(x, n).var_between
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        noise = p * (1 - p) / n
        # Adams (2009), RAND TR-653-NCQA: reliability = σ²_between / (σ²_between + σ²_error),
        # with the entity's binomial error variance σ²_error = p(1 - p) / n.
        value = var_between / (var_between + noise)
    if var_between == 0:
        value = np.zeros_like(p)  # no true differences: every observed difference is noise
    return np.where(n > 0, value, np.nan)


def between_variance(estimates: Column, variances: Column) -> float:
    """Between-entity variance τ² of true values, by DerSimonian and Laird's method of moments.

    DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177-88:
    with weights w = 1/v, Q = Σ w (y − ȳ_w)² and τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)).
    Entities without an estimate or a positive variance are left out; NaN with fewer than two.
    """
    y, v = np.broadcast_arrays(floats(estimates), floats(variances))
    keep = ~np.isnan(y) & (v > 0) & np.isfinite(v)
    y, v = y[keep], v[keep]
    if y.size < 2:
        return float("nan")
    w = 1 / v
    mean = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - mean) ** 2)
    scale = np.sum(w) - np.sum(w**2) / np.sum(w)
    return float(max(0.0, (q - (y.size - 1)) / scale)) if scale > 0 else float("nan")


def signal_to_noise(variances: Column, var_between: float) -> Floats:
    """Reliability τ² / (τ² + v) of each entity's estimate with sampling variance v (0 to 1).

    The signal-to-noise reliability of Adams (2009, RAND TR-653-NCQA) for any scale: a rate, a
    cost per member-month or an observed/expected ratio, given the between-entity variance τ² on
    the same scale (`between_variance`). NaN where v is missing or τ² cannot be estimated.
    """
    v = floats(variances)
    if np.isnan(var_between):
        return np.full(v.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(v == 0, 1.0, var_between / (var_between + v))
    if var_between == 0:
        value = np.zeros_like(v)  # no true differences: every observed difference is noise
    return np.where(np.isnan(v) | (v < 0), np.nan, value)
