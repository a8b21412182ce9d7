"""The on-track rule (plans/tracking.py): a straight line from baseline to target, read at
the end of the latest period, with the 95% interval considered."""

from __future__ import annotations

from datetime import date

import pytest

from commontable.plans.tracking import (
    Reading,
    Target,
    TrackStatus,
    assess,
    expected_value,
    percent_of_way,
)

# From 60% at the end of 2023 to 80% by the end of 2027: 5 points a year.
SCREENING = Target(2023, 0.80, date(2027, 12, 31), higher_is_better=True)
# From 400 ED visits per 1,000 at the end of 2023 to 300 by the end of 2027: 25 fewer a year.
ED_VISITS = Target(2023, 300.0, date(2027, 12, 31), higher_is_better=False)


def test_the_trajectory_is_a_straight_line_from_baseline_to_target() -> None:
    assert expected_value(SCREENING, 0.60, 2025) == pytest.approx(0.70, abs=1e-3)


def test_the_trajectory_reaches_the_target_on_the_target_date() -> None:
    assert expected_value(SCREENING, 0.60, 2027) == pytest.approx(0.80)


def test_after_the_target_date_the_expected_value_is_the_target() -> None:
    assert expected_value(SCREENING, 0.60, 2030) == pytest.approx(0.80)


def test_a_value_on_the_line_is_on_track() -> None:
    verdict = assess(SCREENING, 0.60, Reading(2025, 0.71, 0.69, 0.73))
    assert verdict.status is TrackStatus.ON_TRACK
    assert not verdict.within_interval


def test_a_value_below_the_line_whose_interval_excludes_it_is_off_track() -> None:
    verdict = assess(SCREENING, 0.60, Reading(2025, 0.64, 0.62, 0.66))
    assert verdict.status is TrackStatus.OFF_TRACK
    assert verdict.expected == pytest.approx(0.70, abs=1e-3)


def test_a_shortfall_within_the_interval_counts_as_on_track() -> None:
    verdict = assess(SCREENING, 0.60, Reading(2025, 0.68, 0.65, 0.71))
    assert verdict.status is TrackStatus.ON_TRACK
    assert verdict.within_interval


def test_a_value_without_an_interval_is_judged_on_the_value_alone() -> None:
    verdict = assess(SCREENING, 0.60, Reading(2025, 0.69))
    assert verdict.status is TrackStatus.OFF_TRACK


def test_reaching_the_target_early_is_met() -> None:
    assert assess(SCREENING, 0.60, Reading(2024, 0.81)).status is TrackStatus.MET


def test_past_the_target_date_short_of_the_target_is_off_track() -> None:
    verdict = assess(SCREENING, 0.60, Reading(2028, 0.75, 0.74, 0.76))
    assert verdict.status is TrackStatus.OFF_TRACK
    assert verdict.expected == pytest.approx(0.80)


def test_when_lower_is_better_falling_faster_than_the_line_is_on_track() -> None:
    assert assess(ED_VISITS, 400.0, Reading(2025, 340.0, 330.0, 350.0)).status is (
        TrackStatus.ON_TRACK
    )


def test_when_lower_is_better_rising_is_off_track() -> None:
    assert assess(ED_VISITS, 400.0, Reading(2025, 410.0, 400.0, 420.0)).status is (
        TrackStatus.OFF_TRACK
    )


def test_when_lower_is_better_reaching_below_the_target_is_met() -> None:
    assert assess(ED_VISITS, 400.0, Reading(2026, 295.0)).status is TrackStatus.MET


def test_without_a_baseline_nothing_can_be_judged() -> None:
    assert assess(SCREENING, None, Reading(2025, 0.7)).status is TrackStatus.NOT_MEASURED


def test_without_a_value_after_the_baseline_nothing_can_be_judged() -> None:
    assert assess(SCREENING, 0.60, None).status is TrackStatus.NOT_MEASURED
    assert assess(SCREENING, 0.60, Reading(2023, 0.60)).status is TrackStatus.NOT_MEASURED


def test_percent_of_the_way_runs_from_baseline_to_target_in_either_direction() -> None:
    assert percent_of_way(0.60, 0.70, 0.80) == pytest.approx(0.5)
    assert percent_of_way(400.0, 375.0, 300.0) == pytest.approx(0.25)
    assert percent_of_way(0.60, 0.55, 0.80) == pytest.approx(-0.25)


def test_a_target_equal_to_the_baseline_has_no_percent_of_the_way() -> None:
    assert percent_of_way(0.60, 0.62, 0.60) is None
