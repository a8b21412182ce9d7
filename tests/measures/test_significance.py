"""Two-sided tests of an entity against the rest, and Benjamini–Hochberg q-values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from commontable.measures.statistics import (
    benjamini_hochberg,
    poisson_rates_p,
    ratios_p,
    two_proportions_p,
)


def test_large_tables_use_the_n_minus_1_chi_squared_test() -> None:
    a, n, c, m = 60, 200, 400, 1800
    b, d, total = n - a, m - c, n + m
    chi2 = (a * d - b * c) ** 2 * (total - 1) / (n * m * (a + c) * (b + d))
    assert two_proportions_p([a], [n], [c], [m])[0] == pytest.approx(stats.chi2.sf(chi2, 1))


def test_a_table_with_an_expected_count_below_1_uses_fishers_exact_test() -> None:
    # Expected events in the entity: 30 x 3/3030 < 1.
    p = two_proportions_p([2], [30], [1], [3000])[0]
    assert p == pytest.approx(stats.fisher_exact([[2, 28], [1, 2999]]).pvalue)


def test_equal_proportions_give_a_p_value_of_1() -> None:
    assert two_proportions_p([0, 30], [30, 30], [0, 300], [300, 300]).tolist() == [1.0, 1.0]


def test_an_empty_group_has_no_p_value() -> None:
    assert np.isnan(two_proportions_p([0], [0], [10], [100])[0])


def test_two_poisson_rates_are_compared_by_the_conditional_binomial_test() -> None:
    x1, t1, x2, t2 = 12, 50.0, 40, 200.0
    tail = stats.binom(x1 + x2, t1 / (t1 + t2))
    central = min(1.0, 2 * min(tail.cdf(x1), tail.sf(x1 - 1)))
    assert poisson_rates_p([x1], [t1], [x2], [t2])[0] == pytest.approx(central)


def test_overdispersion_makes_the_rate_test_less_sure() -> None:
    plain = poisson_rates_p([60], [40.0], [1000], [1000.0])[0]
    dispersed = poisson_rates_p([60], [40.0], [1000], [1000.0], dispersion=3.0)[0]
    assert plain < 0.05 < dispersed


def test_a_rate_against_an_empty_exposure_has_no_p_value() -> None:
    assert np.isnan(poisson_rates_p([3], [0.0], [10], [100.0])[0])


def test_two_ratios_are_compared_with_a_z_test_of_their_variances() -> None:
    z = (1.2 - 1.0) / np.sqrt(0.01 + 0.0025)
    assert ratios_p([1.2], [0.01], [1.0], [0.0025])[0] == pytest.approx(2 * stats.norm.sf(z))


def test_q_values_are_benjamini_hochberg_adjusted_p_values() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    expected = multipletests(p, method="fdr_bh")[1]
    assert benjamini_hochberg(p) == pytest.approx(expected)


def test_missing_p_values_are_left_out_of_the_family() -> None:
    q = benjamini_hochberg([0.01, np.nan, 0.04])
    assert q[0] == pytest.approx(0.02)
    assert np.isnan(q[1])
    assert q[2] == pytest.approx(0.04)
