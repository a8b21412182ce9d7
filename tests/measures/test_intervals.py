"""Wilson score intervals for rates and exact Poisson intervals for observed/expected ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from commontable.measures.statistics import poisson_ratio_interval, wilson_interval, z_score


def test_wilson_interval_matches_the_published_example() -> None:
    # Newcombe (1998), Stat Med 17:857, and Wikipedia's worked example: 81 of 263.
    low, high = wilson_interval([81], [263])
    assert low[0] == pytest.approx(0.2553, abs=5e-5)
    assert high[0] == pytest.approx(0.3662, abs=5e-5)


def test_no_events_give_an_interval_from_exactly_zero() -> None:
    low, high = wilson_interval([0], [10])
    assert low[0] == 0.0
    assert high[0] == pytest.approx(0.2775, abs=5e-5)


def test_all_events_give_an_interval_up_to_exactly_one() -> None:
    low, high = wilson_interval([10], [10])
    assert high[0] == 1.0
    assert low[0] == pytest.approx(0.7225, abs=5e-5)


def test_an_entity_without_cases_has_no_interval() -> None:
    low, high = wilson_interval([0, 5], [0, 10])
    assert np.isnan(low[0])
    assert np.isnan(high[0])
    assert 0 < low[1] < 0.5 < high[1] < 1


def test_confidence_level_sets_the_normal_quantile() -> None:
    assert z_score(0.95) == pytest.approx(1.959964, abs=1e-6)
    by_level = wilson_interval([81], [263], confidence=0.99)
    by_z = wilson_interval([81], [263], z=2.5758293)
    assert by_level.low == pytest.approx(by_z.low)
    assert by_level.high == pytest.approx(by_z.high)
    default = wilson_interval([81], [263])
    assert by_level.low[0] < default.low[0] < default.high[0] < by_level.high[0]


def test_numpy_arrow_and_pandas_columns_give_the_same_intervals() -> None:
    x, n = [3, 40, 0], [10, 50, 7]
    expected = wilson_interval(np.array(x), np.array(n))
    for numerator, denominator in (
        (pa.chunked_array([x]), pa.chunked_array([n])),
        (pd.Series(x, dtype="Int64"), pd.Series(n, dtype="Int64")),
    ):
        got = wilson_interval(numerator, denominator)
        assert got.low == pytest.approx(expected.low)
        assert got.high == pytest.approx(expected.high)


def test_a_numerator_above_its_denominator_is_refused() -> None:
    with pytest.raises(ValueError, match="numerator above the denominator"):
        wilson_interval([5, 11], [10, 10])


def test_a_confidence_outside_zero_and_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        wilson_interval([5], [10], confidence=95)


def test_poisson_ratio_interval_is_the_exact_poisson_interval_over_expected() -> None:
    # Exact 95% limits for an observed count of 10 are 4.795 and 18.390 (Garwood 1936 tables).
    low, high = poisson_ratio_interval([10], [5.0])
    assert low[0] == pytest.approx(4.7954 / 5, abs=1e-4)
    assert high[0] == pytest.approx(18.3904 / 5, abs=1e-4)


def test_no_observed_events_give_a_ratio_interval_from_zero() -> None:
    low, high = poisson_ratio_interval([0], [2.0])
    assert low[0] == 0.0
    assert high[0] == pytest.approx(-np.log(0.025) / 2, rel=1e-9)


def test_no_expected_events_give_no_ratio_interval() -> None:
    low, high = poisson_ratio_interval([0], [0.0])
    assert np.isnan(low[0])
    assert np.isnan(high[0])
