"""The normal-approximation interval of a ratio of sums (cost per member-month)."""

from __future__ import annotations

import numpy as np
import pytest

from commontable.measures.statistics import ratio_interval, z_score


def _sums(paid: list[float], months: list[float]) -> tuple[list[float], ...]:
    """Σy, Σx, Σy², Σxy, Σx² and n of one entity's members, each as a one-entity column."""
    y, x = np.array(paid), np.array(months)
    sums = (y.sum(), x.sum(), (y * y).sum(), (x * y).sum(), (x * x).sum(), len(y))
    return tuple([float(s)] for s in sums)


def test_the_interval_is_the_ratio_estimators_delta_method_interval() -> None:
    paid, months = [1200.0, 0.0, 300.0, 60.0, 5000.0], [12.0, 12.0, 6.0, 3.0, 12.0]
    low, high = ratio_interval(*_sums(paid, months))
    ratio = sum(paid) / sum(months)
    residuals = np.array(paid) - ratio * np.array(months)
    n = len(paid)
    error = np.sqrt((residuals**2).sum() / (n * (n - 1))) / np.mean(months)
    assert high[0] == pytest.approx(ratio + z_score() * error)
    assert low[0] == pytest.approx(max(ratio - z_score() * error, 0.0))


def test_a_cost_interval_never_goes_below_zero() -> None:
    low, _ = ratio_interval(*_sums([0.0, 0.0, 9000.0], [12.0, 12.0, 12.0]))
    assert low[0] == 0.0


def test_no_interval_without_two_members_or_any_exposure() -> None:
    one = ratio_interval(*_sums([100.0], [12.0]))
    none = ratio_interval([0.0], [0.0], [0.0], [0.0], [0.0], [3.0])
    assert np.isnan([*one, *none]).all()
