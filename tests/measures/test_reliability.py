"""Beta-binomial reliability: the share of the spread in entity rates that is real (Adams 2009)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from commontable.measures.statistics import (
    between_variance,
    fit_beta_binomial,
    reliability,
    signal_to_noise,
)


def test_reliability_is_between_variance_over_between_plus_binomial_noise() -> None:
    # 30/100: noise 0.3 * 0.7 / 100 = 0.0021, so 0.01 / 0.0121; 10/20: 0.25 / 20 = 0.0125.
    got = reliability([30, 10], [100, 20], var_between=0.01)
    assert got == pytest.approx([0.01 / 0.0121, 0.01 / 0.0225])


def test_the_fit_is_the_maximum_of_the_beta_binomial_likelihood() -> None:
    numerator = [12, 30, 45, 8, 60, 22, 17]
    denominator = [80, 100, 120, 60, 150, 90, 70]
    fit = fit_beta_binomial(numerator, denominator)

    def log_likelihood(a: float, b: float) -> float:
        return float(stats.betabinom.logpmf(numerator, denominator, a, b).sum())

    assert fit.log_likelihood == pytest.approx(log_likelihood(fit.alpha, fit.beta), abs=1e-6)
    for factor_a, factor_b in ((1.1, 1), (0.9, 1), (1, 1.1), (1, 0.9), (1.1, 1.1), (0.9, 0.9)):
        nearby = log_likelihood(fit.alpha * factor_a, fit.beta * factor_b)
        assert nearby < fit.log_likelihood
    a, b = fit.alpha, fit.beta
    assert fit.var_between == pytest.approx(a * b / ((a + b) ** 2 * (a + b + 1)))


def test_the_fit_recovers_the_spread_of_simulated_true_rates() -> None:
    rng = np.random.default_rng(7)
    true_rates = rng.beta(20, 60, size=1000)  # mean 0.25, variance 20·60 / (80² · 81)
    denominator = rng.integers(50, 300, size=1000)
    numerator = rng.binomial(denominator, true_rates)
    fit = fit_beta_binomial(numerator, denominator)
    assert fit.mean == pytest.approx(0.25, abs=0.005)
    assert fit.var_between == pytest.approx(20 * 60 / (80**2 * 81), rel=0.15)


def test_equal_rates_mean_no_between_variance_and_zero_reliability() -> None:
    numerator, denominator = [30, 60, 15, 3], [100, 200, 50, 10]
    assert fit_beta_binomial(numerator, denominator).var_between == 0.0
    assert reliability(numerator, denominator).tolist() == [0.0, 0.0, 0.0, 0.0]


def test_rates_that_vary_less_than_chance_mean_no_between_variance() -> None:
    assert fit_beta_binomial([30, 31, 29, 30], [100, 100, 100, 100]).var_between == 0.0


def test_no_events_anywhere_mean_zero_reliability() -> None:
    assert reliability([0, 0, 0], [40, 50, 60]).tolist() == [0.0, 0.0, 0.0]


def test_an_entity_without_cases_has_no_reliability_and_is_left_out_of_the_fit() -> None:
    numerator, denominator = [10, 40, 25, 0], [100, 100, 100, 0]
    with_empty = reliability(numerator, denominator)
    without = reliability(numerator[:3], denominator[:3])
    assert np.isnan(with_empty[3])
    assert with_empty[:3] == pytest.approx(without)
    assert fit_beta_binomial(numerator, denominator).entities == 3


def test_fewer_than_two_entities_cannot_be_assessed() -> None:
    assert np.isnan(fit_beta_binomial([10], [100]).var_between)
    assert np.isnan(reliability([10, 0], [100, 0])).all()


def test_more_cases_at_the_same_rate_are_more_reliable() -> None:
    got = reliability([10, 40, 25, 100], [100, 100, 100, 400])
    assert 0 < got[2] < got[3] < 1  # 25/100 and 100/400 share a rate; the bigger is more reliable


def test_between_entity_variance_on_any_scale_is_dersimonian_laird() -> None:
    estimates = np.array([0.8, 1.1, 1.3, 0.9, 1.6, 1.0])
    variances = np.array([0.04, 0.02, 0.05, 0.01, 0.08, 0.03])
    expected = combine_effects(estimates, variances, method_re="dl").tau2
    assert between_variance(estimates, variances) == pytest.approx(expected)


def test_signal_to_noise_reliability_is_tau2_over_tau2_plus_sampling_variance() -> None:
    assert signal_to_noise([0.01, 0.04], 0.02) == pytest.approx([0.02 / 0.03, 0.02 / 0.06])


def test_no_spread_beyond_chance_means_no_reliability() -> None:
    assert signal_to_noise([0.01, 0.04], 0.0).tolist() == [0.0, 0.0]
