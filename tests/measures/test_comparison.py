"""Better / worse / average flags against the collaborative, and the too-few reporting status."""

from __future__ import annotations

import pytest

from commontable.measures.statistics import (
    compare_interval,
    compare_observed_expected,
    reporting_status,
)


def test_an_interval_wholly_above_average_is_better_when_higher_is_better() -> None:
    assert compare_interval([0.6], [0.8], 0.5).tolist() == ["better"]


def test_an_interval_wholly_below_average_is_worse_when_higher_is_better() -> None:
    assert compare_interval([0.2], [0.4], 0.5).tolist() == ["worse"]


def test_direction_flips_when_lower_is_better() -> None:
    flags = compare_interval([0.6, 0.2], [0.8, 0.4], 0.5, higher_is_better=False)
    assert flags.tolist() == ["worse", "better"]


def test_an_interval_spanning_or_touching_average_is_average() -> None:
    assert compare_interval([0.4, 0.5, 0.3], [0.6, 0.7, 0.5], 0.5).tolist() == ["average"] * 3


def test_an_entity_without_an_interval_is_not_flagged() -> None:
    assert compare_interval([float("nan")], [float("nan")], 0.5).tolist() == [None]


def test_each_entity_can_have_its_own_reference() -> None:
    assert compare_interval([0.6, 0.6], [0.8, 0.8], [0.5, 0.7]).tolist() == ["better", "average"]


def test_more_events_than_expected_are_worse_for_an_adverse_outcome() -> None:
    flags = compare_observed_expected([30, 2, 15], [15.0, 15.0, 15.0])
    assert flags.tolist() == ["worse", "better", "average"]


def test_more_events_than_expected_are_better_when_higher_is_better() -> None:
    flags = compare_observed_expected([30, 2], [15.0, 15.0], higher_is_better=True)
    assert flags.tolist() == ["better", "worse"]


def test_a_denominator_below_the_minimum_is_too_few_to_report() -> None:
    assert reporting_status([0, 29, 30, 500]).tolist() == [
        "too few",
        "too few",
        "reported",
        "reported",
    ]


def test_the_minimum_denominator_is_configurable() -> None:
    assert reporting_status([10, 11], min_denominator=11).tolist() == ["too few", "reported"]


def test_a_negative_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        reporting_status([10], min_denominator=-1)
